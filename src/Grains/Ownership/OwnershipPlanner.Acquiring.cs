using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Ownership;

/// <summary>Taking targets: asking peers to release what this silo now owns, deciding on their answers, and accepting pushes.</summary>
public sealed partial class OwnershipPlanner
{
    private void AskPeers(TargetRef target, Acquisition acquisition, TargetSpec spec, long nowMs, PlannerActions actions)
    {
        var peers = View.Peers;
        acquisition.Ask(View);
        if (peers.Count == 0)
        {
            Conclude(target, acquisition, spec, nowMs, actions);
            return;
        }
        foreach (var peer in peers)
        {
            actions.Pull(peer, target);
            _unansweredPulls++;
        }
    }

    /// <summary>
    /// Asks again for the targets whose last round could not decide, once their retry time has come: between the
    /// periodic reconciles, so that a wait that ends does not cost up to a second of slots.
    /// </summary>
    public PlannerActions RetryAcquisitions(long nowMs)
    {
        var actions = new PlannerActions();
        if (Fenced || Leaving || _acquiring.Count == 0)
        {
            return actions;
        }
        foreach (var (target, acquisition) in _acquiring.Where(a => !a.Value.AwaitingAnswers && a.Value.RetryAtMs <= nowMs).ToList())
        {
            if (View.IsLocal(target) && !Dispatcher.IsHeld(target) && _targets.TryGetValue(target, out var spec))
            {
                AskPeers(target, acquisition, spec, nowMs, actions);
            }
        }
        return actions;
    }

    /// <summary>A peer's answers to this silo's release request (null: the call failed or timed out).</summary>
    public PlannerActions OnReleaseAnswers(string peer, IReadOnlyList<TargetRef> targets, IReadOnlyList<ReleaseAnswer>? answers, long nowMs)
    {
        var actions = new PlannerActions();
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            var answer = answers?[i];
            _unansweredPulls--;
            if (!_targets.TryGetValue(target, out var spec))
            {
                _acquiring.Remove(target);
                continue;
            }
            if (answer is { Outcome: ReleaseOutcome.Released, SlotMs: { } slot } && !Dispatcher.IsHeld(target) && !_acquiring.ContainsKey(target))
            {
                // The peer stopped for us although this silo gave up asking (it no longer owns it, or is leaving):
                // hold it; the next reconcile passes it on.
                Start(target, spec, FirstSlot(slot, spec, nowMs), nowMs, actions);
                continue;
            }
            if (_acquiring.TryGetValue(target, out var acquisition) && acquisition.Record(peer, answer))
            {
                Conclude(target, acquisition, spec, nowMs, actions);
            }
        }
        if (Leaving)
        {
            Merge(actions, Reconcile(nowMs));
        }
        return actions;
    }

    private void Conclude(TargetRef target, Acquisition acquisition, TargetSpec spec, long nowMs, PlannerActions actions)
    {
        var ownGift = Ledger.TryGetGiven(target, out var given) ? (given.To, given.ToIncarnation, given.FromSlotMs, ReceiverGone(given), !given.Confirmed) : ((string, int?, long, bool, bool)?)null;
        Ledger.TryGetAsker(target, out var asker);
        var decision = acquisition.Decide(LocalName, LocalIncarnation, View, nowMs, spec.IntervalMs, timings, ownGift, asker.Name is null ? null : asker);
        DecisionLog?.Invoke(target, $"{decision.Kind} at {decision.Ms} (asking since {acquisition.StartedMs}; own hand-off {ownGift?.ToString() ?? "none"}; asked by {asker.Name ?? "none"}; {acquisition.Describe()})");
        if (Dispatcher.IsHeld(target))
        {
            _acquiring.Remove(target); // a push arrived meanwhile
            return;
        }
        switch (decision.Kind)
        {
            case DecisionKind.Retry when !View.IsLocal(target) || Leaving:
                _acquiring.Remove(target); // another silo owns it now (or this one is leaving): it asks, not this one
                return;
            case DecisionKind.Retry:
                acquisition.RetryAtMs = decision.Ms;
                return;
            case DecisionKind.Start:
                _acquiring.Remove(target);
                var firstSlot = FirstSlot(decision.Ms, spec, nowMs);
                if (acquisition.Contenders.Where(c => string.CompareOrdinal(c.Key, LocalName) < 0 && !View.HasDeparted(c.Key, c.Value))
                        .Select(c => c.Key).Order(StringComparer.Ordinal).FirstOrDefault() is { } first)
                {
                    // A peer whose name sorts first asked for it meanwhile and heard "pending": by the tie rule it may
                    // have gone ahead (afresh, when it knew nothing of the release to this silo). It gets the target;
                    // two copies would run until the views agree. The first of them by name, even one this view does
                    // not show yet (a restart it has not caught up with): only that one went ahead.
                    if (acquisition.MayHaveGoneAhead(first))
                    {
                        GiveToContenderAhead(target, first, acquisition.Contenders[first], firstSlot, nowMs, actions);
                        return;
                    }
                    PassOn(target, first, acquisition.Contenders[first], spec, firstSlot, nowMs, actions);
                    return;
                }
                Start(target, spec, firstSlot, nowMs, actions);
                return;
            default:
                _acquiring.Remove(target);
                if (acquisition.FirstContenderAhead(LocalName, View) is { } ahead)
                {
                    // Asked for too long (the grace ran out) while a contender first by name still acquires it: by the
                    // tie rule that one goes ahead; it gets the target rather than a second copy here.
                    GiveToContenderAhead(target, ahead, acquisition.Contenders[ahead], decision.Ms, nowMs, actions);
                    return;
                }
                // Nobody has it. A leaving silo takes it too, and its leaving reconcile passes it on: every peer it asked
                // noted its claim, and would wait for it while nobody scrapes the target.
                if (Leaving || View.IsLocal(target))
                {
                    Start(target, spec, decision.Ms, nowMs, actions);
                    return;
                }
                // Another silo owns it now (a restart or a join during a take-over) and asked for it while this round
                // ran: what the round found is passed on with the target, not dropped — the new owner would begin its
                // own rounds from nothing, and each change of owner during a take-over cost a whole acquisition (seed
                // 5085: three owners in turn, the target started a slot after the crash's window). Such a contender has
                // not started it: it heard "pending" here, and waits (one sorting first that may have gone ahead is a
                // contender ahead, above). An owner that asked only before this acquisition began heard "not here" or
                // "handed on" and may have started it afresh (seed 948): it is left to its own round.
                if (View.Owner(target) is { } owner && View.Peers.Contains(owner)
                    && acquisition.Contenders.TryGetValue(owner, out var incarnation) && View.Shows(owner, incarnation)
                    && !acquisition.MayHaveGoneAhead(owner))
                {
                    PassOn(target, owner, incarnation, spec, decision.Ms, nowMs, actions);
                }
                return;
        }
    }

    /// <summary>
    /// Passes a target released or pushed to this silo from <paramref name="slotMs"/> on to <paramref name="to"/> (a
    /// contender first by name, or a peer that claimed it): at that slot when the push is sure to land in time for it
    /// (within the hand-off timeout, less than an interval after the slot), else this silo scrapes the slots the push
    /// could miss and hands it on from the first slot the receiver can still start. The holder's lead was sized for one
    /// leg; passing on is a second (seed 10692: a push that landed after its slot and an interval). The receiver has not
    /// started it meanwhile: a contender only ever told this silo was still asking waits for that round, and one told
    /// of the release or push waits for it to land (<see cref="Acquisition.Decide"/>). A contender told "not asking" may
    /// have gone ahead afresh: it gets the slot itself (<see cref="GiveToContenderAhead"/>).
    /// </summary>
    private void PassOn(TargetRef target, string to, int? incarnation, TargetSpec spec, long slotMs, long nowMs, PlannerActions actions)
    {
        if (slotMs >= HandOverEarliestMs(nowMs, spec.IntervalMs))
        {
            Give(target, to, slotMs, nowMs, actions, incarnation);
            return;
        }
        Start(target, spec, slotMs, nowMs, actions);
        Give(target, to, HandOver(target, nowMs, actions, StopReason.Moved), nowMs, actions, incarnation);
    }

    /// <summary>
    /// Gives a target to a contender first by name that may have gone ahead by the tie rule (it was told this silo was
    /// not asking, or this silo's grace ran out): a copy here would run beside its own, so the slot is its to scrape.
    /// Such a contender may be a restart this view does not show yet, which this silo cannot place a call on: a push
    /// that does not reach it then counts as taken, not refused (<see cref="OnAcceptAnswers"/>) — it asks again, hears
    /// where the target went, and takes it from there if it had not started it.
    /// </summary>
    private void GiveToContenderAhead(TargetRef target, string to, int? incarnation, long slotMs, long nowMs, PlannerActions actions)
    {
        Give(target, to, slotMs, nowMs, actions, incarnation);
        _givenToContenderAhead[target] = (to, incarnation);
    }

    /// <summary>
    /// A peer hands targets over. Returns, per target, whether this silo took it: not while leaving, fenced or not
    /// ready, and not one meant for another process of this name (seed 12699: a push meant for a crashed process,
    /// taken by its restart, was recorded under the crashed one; once that was declared dead the sender released the
    /// slot again to a third silo, beside the restart's copy). Refused, the sender scrapes on and offers it anew.
    /// </summary>
    public bool[] Accept(string sender, IReadOnlyList<TargetHandOff> handOffs, long nowMs, PlannerActions actions)
    {
        var accepted = new bool[handOffs.Count];
        for (var i = 0; i < handOffs.Count; i++)
        {
            var handOff = handOffs[i];
            if (Leaving || Fenced || !View.IsReady || !_targets.TryGetValue(handOff.Target, out var spec)
                || (handOff.ReceiverIncarnation is { } meant && LocalIncarnation is { } local && meant != local))
            {
                continue;
            }
            accepted[i] = true;
            if (Ledger.TryGetGiven(handOff.Target, out var claim) && claim.Claim && claim.To != sender
                && View.Shows(claim.To, claim.ToIncarnation) && handOff.NextSlotMs is { } slot)
            {
                // A peer asked for it a moment ago and heard "not here": pass it on (with a lead, when a second leg could
                // land too late for the slot). The claimant has not started it afresh meanwhile unless it knew nothing of
                // this push: its sender, alive until the push is answered, told it "handed on, unconfirmed" (seed 6219:
                // passed straight on twice, the slot was lost).
                PassOn(handOff.Target, claim.To, claim.ToIncarnation, spec, FirstSlot(slot, spec, nowMs), nowMs, actions);
                continue;
            }
            if (Ledger.TryGetGiven(handOff.Target, out var given) && !given.Claim && given.To != sender && handOff.NextSlotMs is { } offered && given.FromSlotMs > offered)
            {
                // A late push: this silo already passed the target on to another from a later slot. (One offered at
                // that very slot is the target coming back round a chain before anyone scraped that slot: taken.)
                continue;
            }
            _receivedFrom[handOff.Target] = (sender, nowMs);
            _acquiring.Remove(handOff.Target);
            Ledger.Forget(handOff.Target);
            if (!Dispatcher.IsHeld(handOff.Target))
            {
                var first = handOff.NextSlotMs is { } next ? FirstSlot(next, spec, nowMs) : nowMs;
                Start(handOff.Target, spec, first, nowMs, actions);
                // Not owned here in this view: one of the two views lags. Keep it a moment before passing it on, so
                // two views that disagree do not bounce it on every reconcile (never straight back to the sender).
                if (!View.IsLocal(handOff.Target))
                {
                    _pushBackoffUntil[handOff.Target] = nowMs + timings.RetryMs;
                }
            }
        }
        return accepted;
    }
}
