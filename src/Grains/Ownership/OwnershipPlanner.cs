using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Ownership;

/// <summary>
/// Decides, for one silo, which targets it holds and how they change hands — without I/O or a clock: every input
/// carries the time, and every output is a <see cref="PlannerActions"/> for the caller to carry out.
/// <list type="bullet">
/// <item>A target this silo owns but does not hold is acquired: every active peer is asked to release it, and it
/// starts at the slot a holder released (or afresh, when nobody has it).</item>
/// <item>A target it holds but another active silo owns is pushed to that owner; one the owner asks for is released.
/// Either names a slot the receiver can still start if it acts within the hand-off timeout (see
/// <see cref="HandOverEarliestMs"/>): this silo scrapes the slots before it. The ledger remembers where it went.</item>
/// <item>A leaving silo pushes everything to its successors, and a refused push goes to the next successor.</item>
/// </list>
/// Not thread-safe: the caller serialises calls.
/// </summary>
public sealed partial class OwnershipPlanner(string localName, OwnershipTimings timings)
{
    private readonly Dictionary<TargetRef, Acquisition> _acquiring = [];
    private readonly Dictionary<TargetRef, HashSet<string>> _refusedBy = [];
    private readonly Dictionary<TargetRef, long> _pushBackoffUntil = [];
    private readonly Dictionary<TargetRef, (string Sender, long AtMs)> _receivedFrom = [];
    private readonly Dictionary<TargetRef, (string To, int? Incarnation)> _givenToContenderAhead = [];
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
    /// push waits for its receiver, no target handed over is still to be scraped here up to the slot it was handed
    /// over from, and no clustered target is still held for want of a successor — those are kept a little while, for
    /// a joiner this view has not caught up with to ask for them.
    /// </summary>
    public bool IsQuiescent(long nowMs) =>
        _unansweredPulls == 0 && _unconfirmedPushes == 0 && !Dispatcher.IsHandingOver
        && (nowMs - _leavingSinceMs >= timings.HandOffTimeoutMs / 2 || !Dispatcher.HeldTargets.Any(t => _targets.TryGetValue(t, out var spec) && spec.Clustered));

    /// <summary>
    /// Whether a leave may end: it is quiescent, or it has waited twice the hand-off timeout for answers — and longer
    /// only while a target it handed over is still to be scraped here up to its handed slot, which lies at most a
    /// timeout after the hand-off (so at most three timeouts in all). Ending before that would lose those slots.
    /// </summary>
    public bool LeaveIsOver(long nowMs)
    {
        var waited = nowMs - _leavingSinceMs;
        return IsQuiescent(nowMs) || (waited >= 2 * timings.HandOffTimeoutMs && (!Dispatcher.IsHandingOver || waited >= 3 * timings.HandOffTimeoutMs));
    }

    private long _leavingSinceMs;

    private int _unconfirmedPushes;

    private long _lastPushId;

    private int _unansweredPulls;

    public void SetTargets(IReadOnlyDictionary<TargetRef, TargetSpec> targets) => _targets = targets;

    public void SetView(OwnershipView view) => View = view;

    /// <summary>
    /// The slots to scrape now (none while fenced: they are skipped). A target handed over stops right after its last
    /// slot here: added to <paramref name="actions"/> as stopped.
    /// </summary>
    public List<(TargetRef Target, long SlotMs)> TakeDue(long nowMs, PlannerActions actions)
    {
        var due = Dispatcher.TakeDue(nowMs, Fenced, _handedOverEnded);
        foreach (var target in _handedOverEnded)
        {
            actions.Stopped.Add((target, Leaving ? StopReason.Leaving : StopReason.Moved));
        }
        _handedOverEnded.Clear();
        return due;
    }

    private readonly List<TargetRef> _handedOverEnded = [];

    /// <summary>Brings what this silo holds in line with the targets and the view.</summary>
    public PlannerActions Reconcile(long nowMs)
    {
        var actions = new PlannerActions();
        Ledger.Observe(View, nowMs, timings.LedgerRetentionMs);
        // Only the disappeared ones are copied (stopping changes the held set): a copy of every held target each
        // second is a large-object allocation at a few thousand targets.
        foreach (var target in Dispatcher.Targets.Where(t => !_targets.ContainsKey(t)).ToList())
        {
            Drop(target, StopReason.Disappeared, actions);
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
                    PushToSuccessor(target, nowMs, actions);
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
            Give(target, owner, HandOver(target, nowMs, actions, StopReason.Moved), nowMs, actions);
        }
    }

    /// <summary>This silo is leaving: every clustered target goes to its successor, and new hand-offs are refused.</summary>
    public PlannerActions BeginLeave(long nowMs)
    {
        Leaving = true;
        _leavingSinceMs = nowMs;
        return Reconcile(nowMs);
    }

    /// <summary>Stops the targets still scraped when leaving is over (non-clustered ones, or ones nobody could take).</summary>
    public PlannerActions StopAll()
    {
        var actions = new PlannerActions();
        foreach (var target in Dispatcher.Targets.ToList())
        {
            Drop(target, StopReason.Leaving, actions);
        }
        return actions;
    }

    /// <summary>The receiver of a hand-off was in this view and is not any more: it crashed or left.</summary>
    private bool ReceiverGone(HandOffLedger.HandOff given) => HandOffLedger.ReceiverGone(given, View);

    private void Start(TargetRef target, TargetSpec spec, long nowMs, PlannerActions actions) => Start(target, spec, nowMs, nowMs, actions);

    /// <summary>
    /// Holds a target from a slot on. One still scraped here up to a slot it handed over (its receiver refused it, or
    /// it came back) is held again without a start: its runtime record carries on.
    /// </summary>
    private void Start(TargetRef target, TargetSpec spec, long firstSlotMs, long nowMs, PlannerActions actions)
    {
        var resumed = Dispatcher.IsScraping(target);
        Dispatcher.Start(target, spec.IntervalMs, firstSlotMs);
        _acquiring.Remove(target);
        Ledger.Forget(target);
        _refusedBy.Remove(target);
        if (!resumed)
        {
            actions.Started.Add((target, Dispatcher.NextSlot(target)!.Value));
        }
    }

    /// <summary>Stops holding a target (the view is not ready); one handed over is still scraped up to its handed slot.</summary>
    private void Stop(TargetRef target, StopReason reason, PlannerActions actions)
    {
        Dispatcher.Stop(target);
        ForgetHeld(target, reason, actions);
    }

    /// <summary>Stops scraping a target at once (it disappeared, or leaving is over).</summary>
    private void Drop(TargetRef target, StopReason reason, PlannerActions actions)
    {
        Dispatcher.Drop(target);
        ForgetHeld(target, reason, actions);
    }

    private void ForgetHeld(TargetRef target, StopReason reason, PlannerActions actions)
    {
        _pushBackoffUntil.Remove(target);
        _receivedFrom.Remove(target);
        if (!Dispatcher.IsScraping(target))
        {
            actions.Stopped.Add((target, reason));
        }
    }

    /// <summary>
    /// Hands a held target over and returns the slot the receiver starts at; this silo scrapes the slots before it.
    /// Stopped at once when that is its next slot; otherwise <see cref="TakeDue"/> stops it after its last slot.
    /// </summary>
    private long HandOver(TargetRef target, long nowMs, PlannerActions actions, StopReason reason)
    {
        var slot = Dispatcher.HandOver(target, HandOverEarliestMs(nowMs, Dispatcher.IntervalOf(target)!.Value))!.Value;
        if (!Dispatcher.IsScraping(target))
        {
            actions.Stopped.Add((target, reason));
        }
        return slot;
    }

    /// <summary>
    /// The earliest slot a hand-off decided at <paramref name="nowMs"/> may name: one the receiver can still start
    /// however late, within the hand-off timeout, its answer or push reaches it. A receiver starts a handed slot up to
    /// an interval late (a sample's timestamp lies within one interval before its scrape), so the slot must lie less
    /// than an interval before now + timeout. Naming the next slot instead lost it whenever the round trip took longer
    /// than the time to it plus an interval: a join storm on two cores took that long. The sender scrapes the slots in
    /// between itself, at most a timeout's worth; with an interval at least as long as the timeout, that is none.
    /// </summary>
    private long HandOverEarliestMs(long nowMs, long intervalMs) => nowMs + timings.HandOffTimeoutMs - intervalMs + 1;

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
