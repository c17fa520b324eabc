using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Ownership;

/// <summary>
/// Decides, for one silo, which targets it holds and how they change hands — without I/O or a clock: every input
/// carries the time, and every output is a <see cref="PlannerActions"/> for the caller to carry out.
/// <list type="bullet">
/// <item>A target this silo owns but does not hold is acquired: every active peer is asked to release it, and it
/// starts at the slot a holder released (or afresh, when nobody has it).</item>
/// <item>A target it holds but another active silo owns is pushed to that owner at its next slot; one the owner asks
/// for is released at its next slot. The ledger remembers where it went.</item>
/// <item>A leaving silo pushes everything to its successors, and a refused push goes to the next successor.</item>
/// </list>
/// Not thread-safe: the caller serialises calls.
/// </summary>
public sealed class OwnershipPlanner(string localName, OwnershipTimings timings)
{
    private readonly Dictionary<TargetRef, Acquisition> _acquiring = [];
    private readonly Dictionary<TargetRef, HashSet<string>> _refusedBy = [];
    private readonly Dictionary<TargetRef, long> _pushBackoffUntil = [];
    private readonly Dictionary<TargetRef, (string Sender, long AtMs)> _receivedFrom = [];
    private IReadOnlyDictionary<TargetRef, TargetSpec> _targets = new Dictionary<TargetRef, TargetSpec>();

    public string LocalName { get; } = localName;

    /// <summary>Told every acquisition decision and what it rested on (for debug logs and simulation traces).</summary>
    public Action<TargetRef, string>? DecisionLog { get; init; }

    /// <summary>This process's incarnation of its name (its Orleans generation), when known.</summary>
    public int? LocalIncarnation { get; init; }

    public OwnershipView View { get; private set; } = new(localName, 0, isReady: false, localHoldsName: true, Ring.HashRing.Empty, RingAssignment.Instance);

    public SlotDispatcher Dispatcher { get; } = new();

    public HandOffLedger Ledger { get; } = new();

    /// <summary>Set while this silo cannot show it is still a member: it refuses hand-offs and starts no slot.</summary>
    public bool Fenced { get; set; }

    public bool Leaving { get; private set; }

    /// <summary>
    /// Whether a leave is done: no release request waits for its answer (even one for a target that arrived by a
    /// push meanwhile: the peer may still release it, and it must then be passed on, not lost with this process), no
    /// push waits for its receiver, and no clustered target is still held for want of a successor — those are kept a
    /// little while, for a joiner this view has not caught up with to ask for them.
    /// </summary>
    public bool IsQuiescent(long nowMs) =>
        _unansweredPulls == 0 && _unconfirmedPushes == 0
        && (nowMs - _leavingSinceMs >= timings.HandOffTimeoutMs / 2 || !Dispatcher.HeldTargets.Any(t => _targets.TryGetValue(t, out var spec) && spec.Clustered));

    private long _leavingSinceMs;

    private int _unconfirmedPushes;

    private int _unansweredPulls;

    public void SetTargets(IReadOnlyDictionary<TargetRef, TargetSpec> targets) => _targets = targets;

    public void SetView(OwnershipView view) => View = view;

    /// <summary>The slots to scrape now (none while fenced: they are skipped).</summary>
    public List<(TargetRef Target, long SlotMs)> TakeDue(long nowMs) => Dispatcher.TakeDue(nowMs, Fenced);

    /// <summary>Brings what this silo holds in line with the targets and the view.</summary>
    public PlannerActions Reconcile(long nowMs)
    {
        var actions = new PlannerActions();
        Ledger.Observe(View, nowMs, timings.LedgerRetentionMs);
        // Only the disappeared ones are copied (stopping changes the held set): a copy of every held target each
        // second is a large-object allocation at a few thousand targets.
        foreach (var target in Dispatcher.HeldTargets.Where(t => !_targets.ContainsKey(t)).ToList())
        {
            Stop(target, StopReason.Disappeared, actions);
        }
        foreach (var target in _acquiring.Keys.Where(t => !_targets.ContainsKey(t)).ToList())
        {
            _acquiring.Remove(target);
        }

        foreach (var (target, spec) in _targets)
        {
            Dispatcher.ChangeInterval(target, spec.IntervalMs, nowMs);
            if (!spec.Clustered)
            {
                if (!Leaving && !Dispatcher.IsHeld(target))
                {
                    Start(target, spec, nowMs, actions);
                }
                continue;
            }
            if (Leaving)
            {
                // Not while fenced: survivors may have declared this silo dead and taken its targets over; a push now
                // would start a second copy at a peer whose view has not caught up. Released when asked, or pushed once
                // membership confirms this silo again.
                if (Dispatcher.IsHeld(target) && !Fenced)
                {
                    PushToSuccessor(target, Dispatcher.Stop(target)!.Value, nowMs, actions, StopReason.Leaving);
                }
                continue;
            }
            ReconcileClustered(target, spec, nowMs, actions);
        }
        return actions;
    }

    private void ReconcileClustered(TargetRef target, TargetSpec spec, long nowMs, PlannerActions actions)
    {
        var held = Dispatcher.IsHeld(target);
        var owner = View.Owner(target);
        if (owner is null || !View.LocalHoldsName)
        {
            _acquiring.Remove(target);
            if (held)
            {
                Stop(target, StopReason.NotReady, actions);
            }
            return;
        }
        if (owner == LocalName)
        {
            if (held)
            {
                Ledger.Forget(target);
                return;
            }
            if (Fenced)
            {
                return; // it could not scrape what it took; peers may already have declared it dead
            }
            if (_acquiring.TryGetValue(target, out var acquisition))
            {
                if (!acquisition.AwaitingAnswers && acquisition.RetryAtMs <= nowMs)
                {
                    AskPeers(target, acquisition, spec, nowMs, actions);
                }
                return;
            }
            if (Ledger.TryGetGiven(target, out var given) && given.To != LocalName)
            {
                // Given to a peer whose view still says it owns the target: it pushes it back once its view agrees
                // with ours; ask for it only after that has had time. A receiver this view has never shown is a join
                // this silo has not caught up with yet (within a grace); one that left pushed it on or crashed.
                var age = nowMs - given.AtMs;
                if (View.Shows(given.To, given.ToIncarnation) ? age < timings.HandOffTimeoutMs : !ReceiverGone(given) && age < timings.UnseenPeerGraceMs)
                {
                    return;
                }
            }
            acquisition = new Acquisition(nowMs);
            _acquiring[target] = acquisition;
            AskPeers(target, acquisition, spec, nowMs, actions);
            return;
        }

        // Another active silo owns it. An acquisition under way still completes: a release it brings is held and
        // pushed on, never dropped.
        if (_acquiring.TryGetValue(target, out var stale) && !stale.AwaitingAnswers)
        {
            _acquiring.Remove(target);
        }
        // Never straight back to the silo that just handed it over: it is leaving, or this view lags behind its own.
        var backToSender = _receivedFrom.TryGetValue(target, out var received) && received.Sender == owner && nowMs - received.AtMs < timings.HandOffTimeoutMs;
        // Not while fenced: this silo may be declared dead already, and its targets taken over by survivors.
        if (held && !Fenced && !backToSender && !(_pushBackoffUntil.TryGetValue(target, out var until) && nowMs < until))
        {
            var next = Dispatcher.Stop(target)!.Value;
            actions.Stopped.Add((target, StopReason.Moved));
            Give(target, owner, next, nowMs, actions);
        }
    }

    private void AskPeers(TargetRef target, Acquisition acquisition, TargetSpec spec, long nowMs, PlannerActions actions)
    {
        var peers = View.Peers;
        acquisition.Ask(peers);
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

    /// <summary>A peer asks for targets it now owns. Answers each, stopping the ones held here at their next slot.</summary>
    /// <param name="requesterIncarnation">Which process of that name asks (its Orleans generation), when known.</param>
    public ReleaseAnswer[] Release(string requester, int? requesterIncarnation, IReadOnlyList<TargetRef> targets, long nowMs, PlannerActions actions)
    {
        var answers = new ReleaseAnswer[targets.Count];
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            if (Dispatcher.Stop(target) is { } next)
            {
                actions.Stopped.Add((target, StopReason.Moved));
                Ledger.RecordGiven(target, requester, requesterIncarnation, next, nowMs, confirmed: true, View);
                answers[i] = new ReleaseAnswer(target, ReleaseOutcome.Released, next);
            }
            else if (_acquiring.TryGetValue(target, out var acquisition) && (acquisition.AwaitingAnswers || (acquisition.RetryAtMs is not null && !Fenced && View.IsLocal(target))))
            {
                // Still asking others, or a push of it unanswered (a refusal gives it back here): the requester must
                // wait even if its name sorts first. (One only waiting to ask again is not acquiring while fenced, or
                // once its view gives the target to another: it asks nothing more, and must not be waited for.)
                var asking = acquisition.AwaitingAnswersFromOthersThan(requester)
                    || (Ledger.TryGetGiven(target, out var pushed) && !pushed.Confirmed && !pushed.Claim);
                acquisition.Contend(requester, requesterIncarnation);
                answers[i] = new ReleaseAnswer(target, ReleaseOutcome.Pending, Asking: asking);
            }
            else if (Ledger.TryGetGiven(target, out var given) && !(given.Claim && given.To == requester) && !ReceiverGone(given)
                && !(given.To == requester && given.ToIncarnation is { } old && requesterIncarnation is { } asking && old != asking))
            {
                answers[i] = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, given.FromSlotMs, given.To, false, !given.Confirmed, given.ToIncarnation, Claim: given.Claim);
                Ledger.RecordAsked(target, requester, requesterIncarnation, nowMs);
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
                    var slot = Scrape.ScrapeSlots.AtOrAfter(target.Key, spec.IntervalMs, nowMs);
                    Ledger.RecordGiven(target, requester, requesterIncarnation, slot, nowMs, confirmed: true, View, claim: true);
                }
            }
        }
        return answers;
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
            case DecisionKind.Retry when !View.IsLocal(target):
                _acquiring.Remove(target); // another silo owns it now: it asks, and this silo has nothing to wait for
                return;
            case DecisionKind.Retry:
                acquisition.RetryAtMs = decision.Ms;
                return;
            case DecisionKind.Start:
                _acquiring.Remove(target);
                if (acquisition.Contenders.Where(c => string.CompareOrdinal(c.Key, LocalName) < 0 && View.Shows(c.Key, c.Value))
                        .Select(c => c.Key).Order(StringComparer.Ordinal).FirstOrDefault() is { } first)
                {
                    // A peer whose name sorts first asked for it meanwhile and heard "pending": by the tie rule it went
                    // ahead (perhaps afresh, not knowing whom this silo was asking). It gets the target; two copies
                    // would run until the views agree.
                    Give(target, first, FirstSlot(decision.Ms, spec, nowMs), nowMs, actions);
                    return;
                }
                Start(target, spec, FirstSlot(decision.Ms, spec, nowMs), nowMs, actions);
                return;
            default:
                _acquiring.Remove(target);
                if (!Leaving && View.IsLocal(target))
                {
                    Start(target, spec, decision.Ms, nowMs, actions);
                }
                return;
        }
    }

    /// <summary>A peer hands targets over. Returns, per target, whether this silo took it.</summary>
    public bool[] Accept(string sender, IReadOnlyList<TargetHandOff> handOffs, long nowMs, PlannerActions actions)
    {
        var accepted = new bool[handOffs.Count];
        for (var i = 0; i < handOffs.Count; i++)
        {
            var handOff = handOffs[i];
            if (Leaving || Fenced || !View.IsReady || !_targets.TryGetValue(handOff.Target, out var spec))
            {
                continue;
            }
            accepted[i] = true;
            if (Ledger.TryGetGiven(handOff.Target, out var claim) && claim.Claim && claim.To != sender
                && View.Shows(claim.To, claim.ToIncarnation) && handOff.NextSlotMs is { } slot)
            {
                // A peer asked for it a moment ago, heard "not here" and started it afresh: pass it straight on.
                Give(handOff.Target, claim.To, slot, nowMs, actions);
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

    /// <summary>
    /// A receiver's answers to this silo's push: per target whether it took it, or null when the call failed. A call
    /// that certainly did not reach a live receiver (<paramref name="undelivered"/>: no such silo, or it died) is a
    /// refusal; any other failure (a timeout) is ambiguous, and the receiver is believed to have it.
    /// </summary>
    public PlannerActions OnAcceptAnswers(string peer, IReadOnlyList<TargetHandOff> handOffs, IReadOnlyList<bool>? accepted, long nowMs, bool undelivered = false)
    {
        var actions = new PlannerActions();
        for (var i = 0; i < handOffs.Count; i++)
        {
            var handOff = handOffs[i];
            _unconfirmedPushes--;
            if (accepted is null && !undelivered)
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
                PushToSuccessor(handOff.Target, slot, nowMs, actions, reason: null);
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

    /// <summary>This silo is leaving: every clustered target goes to its successor, and new hand-offs are refused.</summary>
    public PlannerActions BeginLeave(long nowMs)
    {
        Leaving = true;
        _leavingSinceMs = nowMs;
        return Reconcile(nowMs);
    }

    /// <summary>Answers the targets still held when leaving is over (non-clustered ones, or ones nobody could take).</summary>
    public PlannerActions StopAll()
    {
        var actions = new PlannerActions();
        foreach (var target in Dispatcher.HeldTargets.ToList())
        {
            Stop(target, StopReason.Leaving, actions);
        }
        return actions;
    }

    private void PushToSuccessor(TargetRef target, long slot, long nowMs, PlannerActions actions, StopReason? reason)
    {
        if (reason is { } r)
        {
            actions.Stopped.Add((target, r));
        }
        var excluded = new HashSet<string>(StringComparer.Ordinal) { LocalName };
        if (_refusedBy.TryGetValue(target, out var refused))
        {
            excluded.UnionWith(refused);
        }
        if (View.OwnerWithout(target, excluded) is { } successor)
        {
            Give(target, successor, slot, nowMs, actions);
        }
        else if (_targets.TryGetValue(target, out var spec))
        {
            Start(target, spec, slot, nowMs, actions); // nobody to take it yet: keep it for a joiner to ask for
        }
    }

    private void Give(TargetRef target, string to, long slot, long nowMs, PlannerActions actions)
    {
        Ledger.RecordGiven(target, to, View.IncarnationOf(to), slot, nowMs, confirmed: false, View);
        _unconfirmedPushes++;
        actions.Push(to, new TargetHandOff(target, slot));
    }

    /// <summary>The receiver of a hand-off was in this view and is not any more: it crashed or left.</summary>
    private bool ReceiverGone(HandOffLedger.HandOff given) => HandOffLedger.ReceiverGone(given, View);

    private void Start(TargetRef target, TargetSpec spec, long nowMs, PlannerActions actions) => Start(target, spec, nowMs, nowMs, actions);

    private void Start(TargetRef target, TargetSpec spec, long firstSlotMs, long nowMs, PlannerActions actions)
    {
        Dispatcher.Start(target, spec.IntervalMs, firstSlotMs);
        _acquiring.Remove(target);
        Ledger.Forget(target);
        _refusedBy.Remove(target);
        actions.Started.Add((target, Dispatcher.NextSlot(target)!.Value));
    }

    private void Stop(TargetRef target, StopReason reason, PlannerActions actions)
    {
        Dispatcher.Stop(target);
        _pushBackoffUntil.Remove(target);
        _receivedFrom.Remove(target);
        actions.Stopped.Add((target, reason));
    }

    /// <summary>
    /// Where a handed-over target resumes: the slot the sender left, unless that lies a whole interval or more in
    /// the past — its sample would then carry a timestamp that long before the scrape — in which case the latest slot
    /// within the last interval (the slots before it are lost: the hand-off itself took longer than an interval).
    /// </summary>
    private static long FirstSlot(long handedSlotMs, TargetSpec spec, long nowMs) => Math.Max(handedSlotMs, nowMs - spec.IntervalMs + 1);

    private static void Merge(PlannerActions into, PlannerActions from)
    {
        foreach (var (peer, list) in from.Pulls)
        {
            list.ForEach(t => into.Pull(peer, t));
        }
        foreach (var (peer, list) in from.Pushes)
        {
            list.ForEach(h => into.Push(peer, h));
        }
        into.Started.AddRange(from.Started);
        into.Stopped.AddRange(from.Stopped);
    }
}
