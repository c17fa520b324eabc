using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Ownership;

/// <summary>
/// Where each target this silo gave away went, and from which slot: what lets it answer a later release request
/// with "handed on to X from slot s" instead of "never had it", and keeps it from taking a target back that a peer
/// it cannot see yet is scraping. Entries end when this silo holds the target again, or after a bound.
/// </summary>
public sealed class HandOffLedger
{
    private readonly Dictionary<TargetRef, HandOff> _given = [];
    private readonly Dictionary<TargetRef, Asker> _askedBy = [];

    public int Count => _given.Count;

    /// <summary>Records that <paramref name="target"/> went to <paramref name="to"/>, scraped there from <paramref name="fromSlotMs"/>.</summary>
    public void RecordGiven(TargetRef target, string to, int? toIncarnation, long fromSlotMs, long atMs, bool confirmed, OwnershipView view, bool claim = false, bool requested = false, long pushId = 0) =>
        _given[target] = new HandOff(to, toIncarnation, fromSlotMs, atMs, confirmed, view.Shows(to, toIncarnation), claim, requested, pushId);

    /// <summary>A push was answered: the receiver took the target.</summary>
    public void Confirm(TargetRef target)
    {
        if (_given.TryGetValue(target, out var handOff))
        {
            _given[target] = handOff with { Confirmed = true };
        }
    }

    public bool TryGetGiven(TargetRef target, out HandOff handOff) => _given.TryGetValue(target, out handOff);

    public void Forget(TargetRef target) => _given.Remove(target);

    /// <summary>
    /// Records that a peer asked for <paramref name="target"/> and this silo had nothing to release: the peer believes
    /// it owns the target and may start it, even when this silo's view does not show that peer yet.
    /// </summary>
    public void RecordAsked(TargetRef target, string requester, int? requesterIncarnation, long atMs) =>
        _askedBy[target] = new Asker(requester, requesterIncarnation, atMs);

    /// <summary>The latest peer that asked for the target and heard it was not here, if any (forgotten after the retention).</summary>
    public bool TryGetAsker(TargetRef target, out Asker asker) => _askedBy.TryGetValue(target, out asker);

    /// <summary>
    /// Notes which receivers the view now shows (a receiver not shown yet is a join this view has not caught up with),
    /// and drops entries older than <paramref name="retentionMs"/>. An entry outlives its receiver's departure on
    /// purpose: it is the link of the hand-off chain that tells an acquisition the target moved on after that.
    /// </summary>
    public void Observe(OwnershipView view, long nowMs, long retentionMs)
    {
        List<TargetRef>? expired = null;
        List<TargetRef>? seen = null;
        foreach (var (target, handOff) in _given)
        {
            if (nowMs - handOff.AtMs >= retentionMs)
            {
                (expired ??= []).Add(target);
            }
            else if (!handOff.ReceiverSeen && view.Shows(handOff.To, handOff.ToIncarnation))
            {
                (seen ??= []).Add(target);
            }
        }
        expired?.ForEach(t => _given.Remove(t));
        foreach (var stale in _askedBy.Where(a => nowMs - a.Value.AtMs >= retentionMs).Select(a => a.Key).ToList())
        {
            _askedBy.Remove(stale);
        }
        seen?.ForEach(t => _given[t] = _given[t] with { ReceiverSeen = true });
    }

    /// <summary>
    /// The receiver crashed or left: membership declared it dead, or this silo's view showed it and no longer does. (A
    /// receiver this view has neither shown nor seen declared dead is a join the view has not caught up with yet.)
    /// </summary>
    public static bool ReceiverGone(HandOff handOff, OwnershipView view) =>
        view.HasDeparted(handOff.To, handOff.ToIncarnation) || (handOff.ReceiverSeen && !view.Shows(handOff.To, handOff.ToIncarnation));

    /// <param name="To">The receiver's node name.</param>
    /// <param name="ToIncarnation">Which process of that name (null when unknown).</param>
    /// <param name="FromSlotMs">The first slot the receiver scrapes.</param>
    /// <param name="AtMs">When this silo gave it.</param>
    /// <param name="Confirmed">False while a push is unanswered.</param>
    /// <param name="ReceiverSeen">Whether this silo's view has shown the receiver active since.</param>
    /// <param name="Claim">Not a hand-off but a claim: the receiver asked, this silo had nothing to give, and the
    /// receiver probably started it afresh.</param>
    /// <param name="Requested">Released in answer to the receiver's own request (not pushed).</param>
    /// <param name="PushId">The push that gave it (<see cref="TargetHandOff.PushId"/>; 0 when not pushed).</param>
    public readonly record struct HandOff(string To, int? ToIncarnation, long FromSlotMs, long AtMs, bool Confirmed, bool ReceiverSeen, bool Claim = false, bool Requested = false, long PushId = 0);

    /// <summary>A peer that asked for a target this silo did not hold, and when.</summary>
    public readonly record struct Asker(string Name, int? Incarnation, long AtMs);
}
