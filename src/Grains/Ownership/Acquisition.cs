using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Ownership;

/// <summary>
/// One target this silo owns but does not hold yet: it asks every active peer to release it, collects the answers of
/// one round, and then decides from all of them together (<see cref="Decide"/>) — start at the slot a holder
/// released, wait and ask again, or start afresh when nobody has it.
/// </summary>
internal sealed class Acquisition(long startedMs)
{
    private readonly Dictionary<string, ReleaseAnswer?> _answers = new(StringComparer.Ordinal);

    /// <summary>The peers this round still waits for, with the incarnation of each that the view showed when asked.</summary>
    private readonly Dictionary<string, int?> _outstanding = new(StringComparer.Ordinal);

    /// <summary>Contenders that asked before this round began: this round defers to them, so they are not told to wait for it.</summary>
    private readonly HashSet<string> _contendedBeforeRound = new(StringComparer.Ordinal);

    /// <summary>Contenders told "pending" without "asking": free to go ahead by the tie rule, perhaps afresh.</summary>
    private readonly HashSet<string> _toldNotAsking = new(StringComparer.Ordinal);

    /// <summary>
    /// Contenders that asked while this round asked their name (or had its answer): that answer may come from an earlier
    /// process of the name, or predate the contest, so it does not show the contender gave up. The next round asks it.
    /// </summary>
    private readonly HashSet<string> _contendedSinceAnswer = new(StringComparer.Ordinal);

    /// <summary>Confirmed hand-offs learned in an earlier round: every later round asks their receiver after it took them.</summary>
    private readonly HashSet<(string To, long SlotMs)> _confirmedEarlier = [];

    /// <summary>Pushes still unanswered when their sender was already gone, learned in an earlier round.</summary>
    private readonly HashSet<(string From, string To, long SlotMs)> _unansweredFromGoneEarlier = [];

    /// <summary>Receivers already gone at an earlier round: every later round asks their successors after they left.</summary>
    private readonly HashSet<(string To, int? Incarnation)> _goneEarlier = [];

    /// <summary>The view this round asked under: which receivers membership had declared dead before it asked anyone.</summary>
    private OwnershipView? _askedUnder;

    public long StartedMs { get; } = startedMs;

    /// <summary>When to ask again, after a round that could not decide.</summary>
    public long? RetryAtMs { get; set; }

    public bool AwaitingAnswers => _outstanding.Count > 0;

    /// <summary>
    /// Whether this round, begun before <paramref name="peer"/> contended, still waits for answers from other peers —
    /// another incarnation of its name counts as another peer (seed 539: a restarted silo asked while this round waited
    /// for its earlier process's release; told "not asking", it went ahead afresh beside that release). The contender
    /// then waits for the round (<see cref="Decide"/>), which lasts at most the hand-off timeout; a later round defers
    /// to it instead.
    /// </summary>
    public bool RoundStillAsksOthersThan(string peer, int? incarnation) =>
        !_contendedBeforeRound.Contains(peer)
        && _outstanding.Any(p => p.Key != peer || (p.Value is { } asked && incarnation is { } asking && asked != asking));

    /// <summary>Notes that a contender was told "pending" without "asking": it may go ahead by the tie rule.</summary>
    public void ToldNotAsking(string peer) => _toldNotAsking.Add(peer);

    /// <summary>Whether a contender may have gone ahead by the tie rule: it was once told this silo was not asking.</summary>
    public bool MayHaveGoneAhead(string peer) => _toldNotAsking.Contains(peer);

    /// <summary>The round's answers and the contenders, for logs.</summary>
    public string Describe() =>
        $"contenders [{string.Join(", ", Contenders.Keys)}], answers [{string.Join("; ", _answers.Select(a => $"{a.Key}: {(a.Value is { } v ? $"{v.Outcome} {v.SlotMs} {v.HandedTo}#{v.HandedToGeneration}{(v.ReceiverGone ? " gone" : "")}{(v.Unconfirmed ? " unconfirmed" : "")}" : "no answer")}"))}]";

    /// <summary>
    /// Peers that asked this silo for the target while it was acquiring it: they believe they own it, and one whose
    /// name sorts first goes ahead — even when this silo's view does not show it yet.
    /// </summary>
    public Dictionary<string, int?> Contenders { get; } = new(StringComparer.Ordinal);

    /// <summary>Starts a round that asks every peer of <paramref name="view"/> (with the incarnation it shows of each).</summary>
    public void Ask(OwnershipView view)
    {
        RetryAtMs = null;
        _answers.Clear();
        _outstanding.Clear();
        _contendedSinceAnswer.Clear();
        _contendedBeforeRound.UnionWith(Contenders.Keys);
        _askedUnder = view;
        foreach (var peer in view.Peers)
        {
            _outstanding[peer] = view.IncarnationOf(peer);
        }
    }

    /// <summary>
    /// Whether membership had declared that process dead before this round asked anyone. Every push it made has
    /// landed by then: a leaver is declared dead only once it exits, after its pushes are answered; a crashed or
    /// frozen one only after failure detection, longer than any call takes. So this round's answers already show
    /// where such a receiver passed a target on, and a chain ending at it is a dead end in this very round — waiting for
    /// a second round to ask again cost every take-over after a crash a round, one more for each change of owner
    /// during it (the simulation's class (a)).
    /// </summary>
    private bool DeclaredDeadBeforeRound(string name, int? incarnation) => _askedUnder?.HasDeparted(name, incarnation) == true;

    /// <summary>Whether this round asked that process of a peer (any, when the incarnation is unknown on either side).</summary>
    private bool AskedThisRound(string name, int? incarnation) =>
        _answers.ContainsKey(name) && (incarnation is null || _askedUnder?.IncarnationOf(name) is not { } asked || asked == incarnation);

    /// <summary>
    /// Records one peer's answer (null: the call failed). True when the round can be decided: every answer is in, or
    /// this one is a release. A release decides at once: waiting for the slowest answer (a starved peer, up to the
    /// hand-off timeout) spent the lead the holder gave its handed slot, and kept peers that asked meanwhile hearing
    /// "pending" instead of a release they could act on. (Two holders are a duplicate already; a second release that
    /// comes later finds the target held.)
    /// </summary>
    public bool Record(string peer, ReleaseAnswer? answer)
    {
        if (!_outstanding.Remove(peer, out _))
        {
            return false;
        }
        _answers[peer] = answer;
        return _outstanding.Count == 0 || answer is { Outcome: ReleaseOutcome.Released };
    }

    /// <summary>A peer asked for the target while this silo acquires it (and heard "pending").</summary>
    public void Contend(string peer, int? incarnation)
    {
        Contenders[peer] = incarnation;
        if (_answers.ContainsKey(peer) || _outstanding.ContainsKey(peer))
        {
            _contendedSinceAnswer.Add(peer);
        }
    }

    /// <summary>
    /// Decides a complete round. A release wins (the latest released slot, in case two silos were scraping it).
    /// Otherwise the hand-offs reported (and this silo's own, <paramref name="ownGift"/>) form a chain in time — slots
    /// only grow along it — and its latest link says where the target is: on its way to this silo (start there), or
    /// at a peer that is acquiring it, did not answer, or is not in this view yet (ask again, within a bound), or at a
    /// peer that says it no longer has it (it restarted: start afresh). A peer acquiring it too, with no hand-off
    /// pointing at either, is a tie the silo whose name sorts first wins. With no information, nobody has it.
    /// </summary>
    public Decision Decide(string localName, int? localIncarnation, OwnershipView view, long nowMs, long intervalMs, OwnershipTimings timings, (string To, int? ToIncarnation, long SlotMs, bool ReceiverGone, bool Unconfirmed)? ownGift, HandOffLedger.Asker? asker = null)
    {
        long? released = null;
        var gifts = new List<Gift>();
        if (ownGift is { } own)
        {
            gifts.Add(new Gift(localName, own.To, own.ToIncarnation, own.SlotMs, own.ReceiverGone, own.Unconfirmed, DeadBeforeRound: DeclaredDeadBeforeRound(own.To, own.ToIncarnation)));
        }
        var retry = false;
        var roundOfAnother = false;
        foreach (var (peer, answer) in _answers)
        {
            switch (answer)
            {
                case null:
                    // Unreachable but still in the view: it may be scraping; a crashed peer leaves the view within
                    // failure detection and a later round no longer asks it. Gone already: a leaver exits only once
                    // its pushes are answered, so whatever it held is at a peer the next round asks.
                    retry = true;
                    break;
                case { Outcome: ReleaseOutcome.Released, SlotMs: { } slot }:
                    released = Math.Max(released ?? long.MinValue, slot);
                    break;
                case { Outcome: ReleaseOutcome.HandedOn, SlotMs: { } slot, HandedTo: { } to } handedOn:
                    // Handed to an earlier process of this silo's name: that process is gone (this one holds the name).
                    // So is one of unknown generation that the peer saw go: this process is alive, and does not hold it.
                    var earlierSelf = to == localName
                        && ((handedOn.HandedToGeneration is { } generation && localIncarnation is { } local && generation != local) || handedOn.ReceiverGone);
                    var gone = handedOn.ReceiverGone || earlierSelf || view.HasDeparted(to, handedOn.HandedToGeneration);
                    gifts.Add(new Gift(peer, earlierSelf ? $"{to}#{handedOn.HandedToGeneration}" : to, handedOn.HandedToGeneration, slot, gone, handedOn.Unconfirmed, handedOn.Claim, handedOn.Requested, DeclaredDeadBeforeRound(to, handedOn.HandedToGeneration)));
                    break;
                case { Outcome: ReleaseOutcome.Pending } pending:
                    // Acquiring it too: the name that sorts first goes ahead, unless it has left since it answered —
                    // but not while the other's round, begun before this silo asked it, still waits for answers: one
                    // may be a release (from a peer this view no longer shows: a leaver that has exited since, or an
                    // earlier process of this silo's name), which it then scrapes and passes on to this silo with a
                    // lead. That round ends within the hand-off timeout; later ones defer to this silo.
                    retry |= string.CompareOrdinal(peer, localName) < 0 && view.Peers.Contains(peer);
                    roundOfAnother |= pending.Asking && view.Peers.Contains(peer);
                    break;
            }
        }
        if (released is { } r)
        {
            return new Decision(DecisionKind.Start, r);
        }
        retry |= FirstContenderAhead(localName, view) is not null;
        // A peer asked this silo for it and heard there was nothing to release: it owns the target in its own view,
        // so it may have started it. One this round did not ask (and membership has not declared dead) is a join this
        // view had not caught up with when the round began: ask it too, in a round under a view that shows it — which
        // then says who owns it, or that the peer is gone. (Seed 5477: the view showed the asker by the time the round
        // was decided, and the round started the target beside the asker's copy without having asked it.)
        retry |= asker is { } asked && asked.Name != localName && !AskedThisRound(asked.Name, asked.Incarnation) && !view.HasDeparted(asked.Name, asked.Incarnation);
        // A push to this silo still unanswered is on its way (it starts the target) or was refused (its sender kept
        // it), whichever link the chain ends on: at equal slots a claim can outrank it.
        retry |= gifts.Any(g => g.To == localName && g.Unconfirmed && g.From != localName && view.Peers.Contains(g.From));
        // Any push still unanswered whose sender is still here (or this silo) may come back to that sender refused,
        // which then scrapes on from the offered slot, wherever the chain ends: its answer comes within the hand-off
        // timeout.
        retry |= gifts.Any(g => g.Unconfirmed && !g.Claim && (g.From == localName || view.Peers.Contains(g.From)));
        // One whose sender has left since: a leaver exits only once its pushes are answered, so it landed or came back
        // refused, and the receiver's answer this round may predate it. The next round asks the receiver again.
        var fromGone = gifts.Where(g => g.Unconfirmed && !g.Claim && g.From != localName && !view.Peers.Contains(g.From)).Select(g => (g.From, g.To, g.SlotMs)).ToList();
        retry |= fromGone.Any(g => !_unansweredFromGoneEarlier.Contains(g));
        _unansweredFromGoneEarlier.UnionWith(fromGone);
        if (Latest(gifts) is { } latest)
        {
            // Pushed to this silo: taken here already, or still unanswered — on its way (the push starts it) or refused
            // (this silo was leaving or fenced; the sender kept it). Starting it from the chain would be a second copy.
            if (latest.To == localName && !latest.Unconfirmed)
            {
                return new Decision(DecisionKind.Start, latest.SlotMs);
            }
            // The receiver answers for itself when this view shows it; otherwise a silo that saw it leave says so.
            // A receiver's "not here" (or "handed on" from an earlier slot: the link is a claim it never took up)
            // counts only when it was asked after it took the push: in a round begun after this silo learned the push
            // was confirmed (this round's question may have overtaken the push). So does its "pending": it does not
            // hold the target but is acquiring it too (the link is a claim it never took up), a tie the name that
            // sorts first wins — waiting for it while it waits for this silo's name would lose slots until the grace.
            // A receiver that only claims it is believed in the same round: no push to it can be on its way (a push is
            // given at most an interval after its slot and lands within the hand-off timeout, so one that old landed
            // before this acquisition asked), and a claim's slot moves on each time its receiver asks again, so no
            // earlier round would ever have known the same link.
            var receiverGone = gifts.Any(g => g.To == latest.To && g.ToIncarnation == latest.ToIncarnation && g.ReceiverGone);
            // A push to that receiver still unanswered (this silo's own, or one by a sender still here) is no dead end:
            // a refusal gives the target back to the sender, which scrapes it on from the slot it offered or offers it
            // to the next successor. Its answer comes within the hand-off timeout.
            var senderDecides = gifts.Any(g => g.To == latest.To && g.ToIncarnation == latest.ToIncarnation && g.Unconfirmed
                && (g.From == localName || view.Peers.Contains(g.From)));
            // A receiver gone since this round was asked may have left gracefully, pushing the target on to a peer
            // this round asked too early: a dead end only once a round has asked after it was gone (or nobody is left
            // to ask), or when membership had declared it dead before this round asked.
            var goneLongEnough = _answers.Count == 0 || _goneEarlier.Contains((latest.To, latest.ToIncarnation))
                || gifts.Any(g => g.To == latest.To && g.ToIncarnation == latest.ToIncarnation && g.DeadBeforeRound);
            var onlyClaimed = gifts.Where(g => g.To == latest.To && g.ToIncarnation == latest.ToIncarnation && !g.Claim)
                .All(g => g.SlotMs + intervalMs + timings.HandOffTimeoutMs <= StartedMs);
            // A release to that receiver may still be on its way to it (the holder's answer takes up to the hand-off
            // timeout, and the holder answered less than an interval after its slot): the receiver holds it once the
            // answer lands, or passes it on to the first contender by name. Starting it here afresh meanwhile, because the receiver still said
            // "pending", would run beside the receiver's copy — which now scrapes the slots a late pass-on would miss.
            var onItsWay = gifts.Any(g => g.To == latest.To && g.ToIncarnation == latest.ToIncarnation && g.Requested
                && g.SlotMs + intervalMs + timings.HandOffTimeoutMs > nowMs);
            var orphaned = view.Peers.Contains(latest.To) && !receiverGone
                ? _answers.TryGetValue(latest.To, out var a)
                    && (((_confirmedEarlier.Contains((latest.To, latest.SlotMs)) || onlyClaimed) && !onItsWay && a is { Outcome: ReleaseOutcome.NotHere or ReleaseOutcome.Pending })
                        || (_confirmedEarlier.Contains((latest.To, latest.SlotMs)) && a is { Outcome: ReleaseOutcome.HandedOn, SlotMs: { } before } && before < latest.SlotMs))
                : receiverGone && !senderDecides && goneLongEnough;
            if (((!orphaned || retry) && nowMs - StartedMs < timings.UnseenPeerGraceMs) || roundOfAnother)
            {
                _confirmedEarlier.UnionWith(gifts.Where(g => !g.Unconfirmed).Select(g => (g.To, g.SlotMs)));
                _goneEarlier.UnionWith(gifts.Where(g => g.ReceiverGone).Select(g => (g.To, g.ToIncarnation)));
                return new Decision(DecisionKind.Retry, nowMs + timings.RetryMs);
            }
            return new Decision(DecisionKind.StartAfresh, Math.Max(latest.SlotMs, nowMs));
        }
        if ((retry && nowMs - StartedMs < timings.UnseenPeerGraceMs) || roundOfAnother)
        {
            return new Decision(DecisionKind.Retry, nowMs + timings.RetryMs);
        }
        return new Decision(DecisionKind.StartAfresh, nowMs);
    }

    /// <summary>
    /// The first by name of the contenders that sort before this silo and still acquire the target: by the tie rule it
    /// goes ahead. Not one membership declared departed, nor one that answered this round with "not here" or "handed
    /// on" after it asked (it has given up acquiring it).
    /// </summary>
    public string? FirstContenderAhead(string localName, OwnershipView view) =>
        Contenders.Where(c => string.CompareOrdinal(c.Key, localName) < 0 && !view.HasDeparted(c.Key, c.Value)
                && !(!_contendedSinceAnswer.Contains(c.Key) && _answers.TryGetValue(c.Key, out var answered) && answered is { Outcome: ReleaseOutcome.NotHere or ReleaseOutcome.HandedOn }))
            .Select(c => c.Key).Order(StringComparer.Ordinal).FirstOrDefault();

    /// <summary>The last link of the hand-off chain: the highest slot, and among equal slots the one passed on last.</summary>
    private static Gift? Latest(List<Gift> gifts)
    {
        if (gifts.Count == 0)
        {
            return null;
        }
        var latest = gifts.MaxBy(g => g.SlotMs)!;
        for (var hops = 0; hops < gifts.Count; hops++)
        {
            var onward = gifts.FirstOrDefault(g => g.From == latest.To && g.SlotMs >= latest.SlotMs && g != latest);
            if (onward is null)
            {
                break;
            }
            latest = onward;
        }
        return latest;
    }
}

/// <summary>One link of the hand-off chain: <paramref name="From"/> gave the target to a process of <paramref name="To"/>.
/// A <paramref name="Claim"/> is a link no push stands behind: the receiver asked <paramref name="From"/> and heard "not here".
/// A <paramref name="Requested"/> one is a release answering the receiver's own request, which it hears only when that answer lands.
/// <paramref name="DeadBeforeRound"/>: membership had declared the receiver dead before this round asked anyone.</summary>
internal sealed record Gift(string From, string To, int? ToIncarnation, long SlotMs, bool ReceiverGone, bool Unconfirmed, bool Claim = false, bool Requested = false, bool DeadBeforeRound = false);

internal enum DecisionKind
{
    /// <summary>Start at the slot (released or handed to this silo).</summary>
    Start,

    /// <summary>Nobody has it: start at the first slot at or after the time.</summary>
    StartAfresh,

    /// <summary>Ask again at the time.</summary>
    Retry,
}

internal readonly record struct Decision(DecisionKind Kind, long Ms);
