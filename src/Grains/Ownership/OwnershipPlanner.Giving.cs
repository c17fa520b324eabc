using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Ownership;

/// <summary>Giving targets away: answering release requests, pushing to new owners and successors, and the answers to pushes.</summary>
public sealed partial class OwnershipPlanner
{
    /// <summary>A peer asks for targets it now owns. Answers each, handing the ones held here over (see <see cref="HandOver"/>).</summary>
    /// <param name="requesterIncarnation">Which process of that name asks (its Orleans generation), when known.</param>
    public ReleaseAnswer[] Release(string requester, int? requesterIncarnation, IReadOnlyList<TargetRef> targets, long nowMs, PlannerActions actions)
    {
        var answers = new ReleaseAnswer[targets.Count];
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            if (Dispatcher.IsHeld(target))
            {
                var next = HandOver(target, nowMs, actions, StopReason.Moved);
                Ledger.RecordGiven(target, requester, requesterIncarnation, next, nowMs, confirmed: true, View, requested: true);
                answers[i] = new ReleaseAnswer(target, ReleaseOutcome.Released, next);
            }
            else if (_acquiring.TryGetValue(target, out var acquisition) && (acquisition.AwaitingAnswers || (acquisition.RetryAtMs is not null && !Fenced && !Leaving && View.IsLocal(target))))
            {
                // Still asking others, or a push of it unanswered (a refusal gives it back here): the requester must
                // wait even if its name sorts first. (One only waiting to ask again is not acquiring while fenced or
                // leaving, or once its view gives the target to another: it asks nothing more, and must not be waited
                // for — seed 41714: a silo that joined and left again during a take-over answered "pending" until it
                // exited, and the take-over, deferring to it by name, started a slot after the crash's window.)
                var asking = acquisition.RoundStillAsksOthersThan(requester, requesterIncarnation)
                    || (Ledger.TryGetGiven(target, out var pushed) && !pushed.Confirmed && !pushed.Claim);
                acquisition.Contend(requester, requesterIncarnation);
                if (!asking)
                {
                    acquisition.ToldNotAsking(requester);
                }
                answers[i] = new ReleaseAnswer(target, ReleaseOutcome.Pending, Asking: asking);
            }
            else if (Ledger.TryGetGiven(target, out var given) && !(given.Claim && given.To == requester) && !ReceiverGone(given)
                && !(given.To == requester && given.ToIncarnation is { } old && requesterIncarnation is { } asking && old != asking))
            {
                answers[i] = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, given.FromSlotMs, given.To, false, !given.Confirmed, given.ToIncarnation, Claim: given.Claim, Requested: given.Requested);
                Ledger.RecordAsked(target, requester, requesterIncarnation, nowMs);
            }
            else if (Dispatcher.HandedOverFrom(target) is { } until && !(Ledger.TryGetGiven(target, out var push) && !push.Claim))
            {
                // Still scraped here up to the slot it was handed over from, with no record of where it went: released
                // to the requester from that slot. "Not here" or a claim would let it start a slot this silo still
                // scrapes. A push on record is told below, even one to a receiver gone since: that receiver may have
                // passed the target on as it left (seeds 74013, 137513: a release from the handed slot ran beside the
                // copy of the receiver's successor, which the requester's round heard a moment too late).
                Ledger.RecordGiven(target, requester, requesterIncarnation, until, nowMs, confirmed: true, View, requested: true);
                answers[i] = new ReleaseAnswer(target, ReleaseOutcome.Released, until);
            }
            else
            {
                Ledger.RecordAsked(target, requester, requesterIncarnation, nowMs);
                // Nothing to give, or it went to a silo that is gone since (or to an earlier process of the requester's
                // name, which the requester's restart proves gone): the requester starts it afresh at its next
                // slot. Remember that as a claim: this silo's view may not show the requester yet, and must not take
                // the target too when it thinks it owns it. (A claimant asking again hears "not here" again.)
                var handedToGone = Ledger.TryGetGiven(target, out var gone) && !gone.Claim;
                answers[i] = handedToGone
                    ? new ReleaseAnswer(target, ReleaseOutcome.HandedOn, gone.FromSlotMs, gone.To, true, !gone.Confirmed, gone.ToIncarnation)
                    : new ReleaseAnswer(target, ReleaseOutcome.NotHere);
                // A push still unanswered stays on record, gone receiver or not: its refusal gives the target back here
                // (to scrape on or push on), and every later asker must hear it is on its way, not "not here".
                if (!(handedToGone && !gone.Confirmed) && _targets.TryGetValue(target, out var spec))
                {
                    // Never from a slot this silo still scrapes (up to the one it handed over from).
                    var slot = Math.Max(Scrape.ScrapeSlots.AtOrAfter(target.Key, spec.IntervalMs, nowMs), Dispatcher.HandedOverFrom(target) ?? long.MinValue);
                    Ledger.RecordGiven(target, requester, requesterIncarnation, slot, nowMs, confirmed: true, View, claim: true);
                }
            }
        }
        return answers;
    }

    /// <summary>
    /// A receiver's answers to this silo's push: per target whether it took it, or null when the call failed. A call
    /// that certainly did not reach a live receiver (<paramref name="undelivered"/>: no such silo, or it died) is a
    /// refusal — unless the receiver is a contender that may have gone ahead with the target and that membership has not
    /// declared dead: scraping on here would run beside its copy until the views agree. Any other failure (a timeout)
    /// is ambiguous, and the receiver is believed to have it. (Even when membership has declared it dead
    /// meanwhile: it may have taken the target and passed it on as it left — seed 1198.)
    /// </summary>
    public PlannerActions OnAcceptAnswers(string peer, IReadOnlyList<TargetHandOff> handOffs, IReadOnlyList<bool>? accepted, long nowMs, bool undelivered = false)
    {
        var actions = new PlannerActions();
        for (var i = 0; i < handOffs.Count; i++)
        {
            var handOff = handOffs[i];
            _unconfirmedPushes--;
            if (!(Ledger.TryGetGiven(handOff.Target, out var pushed) && !pushed.Claim && pushed.PushId == handOff.PushId))
            {
                // The answer to a push since overtaken: the target came back here and went out again (seed 63312: the
                // "taken" of an earlier push to d confirmed a later one to d at the same slot, still on its way; d left
                // without taking it, and a take-over that heard "handed on to d, confirmed" started it beside the
                // copy this silo then scraped on). Whatever that push did, the later one decides.
                continue;
            }
            var toContenderAhead = _givenToContenderAhead.Remove(handOff.Target, out var contender) && contender.To == peer
                && !View.HasDeparted(contender.To, contender.Incarnation);
            if (accepted is null && (!undelivered || toContenderAhead))
            {
                Ledger.Confirm(handOff.Target); // believed taken: the receiver answers for itself from now on
                continue;
            }
            if (accepted is not null && accepted[i])
            {
                Ledger.Confirm(handOff.Target);
                continue;
            }
            Ledger.Forget(handOff.Target);
            (_refusedBy.TryGetValue(handOff.Target, out var refused) ? refused : _refusedBy[handOff.Target] = new(StringComparer.Ordinal)).Add(peer);
            if (!_targets.TryGetValue(handOff.Target, out var spec) || Dispatcher.IsHeld(handOff.Target))
            {
                continue;
            }
            var slot = handOff.NextSlotMs ?? nowMs;
            if (Leaving && !Fenced)
            {
                // Scraped on here from the refused slot, and offered to the next successor from a slot it can still
                // take: the refusal took time, and the refused slot may be close or past.
                var resumed = Dispatcher.IsScraping(handOff.Target);
                Dispatcher.Start(handOff.Target, spec.IntervalMs, FirstSlot(slot, spec, nowMs));
                PushToSuccessor(handOff.Target, nowMs, actions);
                if (!resumed && Dispatcher.IsScraping(handOff.Target))
                {
                    actions.Started.Add((handOff.Target, Dispatcher.NextSlot(handOff.Target)!.Value));
                }
            }
            else
            {
                // Refused (the receiver is stopping or fenced) or never delivered: scrape it on from where it
                // stopped, and offer it again later.
                Start(handOff.Target, spec, FirstSlot(slot, spec, nowMs), nowMs, actions);
                _pushBackoffUntil[handOff.Target] = nowMs + timings.HandOffTimeoutMs;
            }
        }
        return actions;
    }

    /// <summary>Leaving: offers a held target to its successor; with none left, keeps it for a joiner to ask for.</summary>
    private void PushToSuccessor(TargetRef target, long nowMs, PlannerActions actions)
    {
        var excluded = new HashSet<string>(StringComparer.Ordinal) { LocalName };
        if (_refusedBy.TryGetValue(target, out var refused))
        {
            excluded.UnionWith(refused);
        }
        if (View.OwnerWithout(target, excluded) is { } successor)
        {
            Give(target, successor, HandOver(target, nowMs, actions, StopReason.Leaving), nowMs, actions);
        }
        else
        {
            // Nobody to take it yet: it stays held, and every successor may be offered it again.
            _acquiring.Remove(target);
            Ledger.Forget(target);
            _refusedBy.Remove(target);
        }
    }

    /// <summary>Pushes a target to a process of <paramref name="to"/>: the one this view shows, unless <paramref name="incarnation"/> names it.</summary>
    private void Give(TargetRef target, string to, long slot, long nowMs, PlannerActions actions, int? incarnation = null)
    {
        incarnation ??= View.IncarnationOf(to);
        _givenToContenderAhead.Remove(target); // an earlier push's: its answer no longer counts (OnAcceptAnswers)
        var pushId = ++_lastPushId;
        Ledger.RecordGiven(target, to, incarnation, slot, nowMs, confirmed: false, View, pushId: pushId);
        _unconfirmedPushes++;
        actions.Push(to, new TargetHandOff(target, slot) { ReceiverIncarnation = incarnation, PushId = pushId });
    }
}
