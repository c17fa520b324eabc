using System.Text;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ownership;
using static AlloyOrleans.Tests.Simulation.SimulatedMembership;

namespace AlloyOrleans.Tests.Simulation;

/// <summary>
/// A deterministic simulation of a cluster of silos running the real <see cref="OwnershipPlanner"/> and
/// <see cref="Grains.Membership.MembershipFence"/> over a simulated clock and network: every call takes a random
/// delay each way (so calls overtake each other; now and then longer than an interval), a call to a silo that is gone fails, one to a frozen silo waits
/// until it resumes, and the caller gives up after the hand-off timeout. Membership follows Orleans: a silo's own
/// view is current when it becomes active, the others learn each change after their own delay, and failure
/// detection declares a crashed or frozen silo dead after two to three seconds. Everything random comes from one
/// seed, so a failing seed replays exactly.
/// </summary>
public sealed class SimulatedCluster
{
    public const long IntervalMs = 1000;
    private const long TickMs = 50;
    private const long ReconcileMs = 1000;
    private const long FenceWindowMs = 2000;
    private const long DetectionMinMs = 2000;
    private const long DetectionMaxMs = 3000;
    private const long MaxViewDelayMs = 1500;
    private const long SlowLegMinMs = 700;
    private const long SlowLegMaxMs = 1500;

    private readonly Random _random;
    private readonly OwnershipTimings _timings = new(HandOffTimeoutMs: 2000, UnseenPeerGraceMs: 6000, RetryMs: 250);
    private readonly PriorityQueue<Action, (long, long)> _events = new();
    private readonly SimulatedMembership _membership = new();
    private readonly List<SimulatedSilo> _silos = [];
    private readonly Dictionary<string, int> _generations = new(StringComparer.Ordinal);
    private readonly Dictionary<TargetRef, TargetSpec> _targets = [];
    private readonly StringBuilder _trace = new();
    private long _sequence;
    private readonly bool _traced;
    private readonly int _slowLegOneIn;

    /// <param name="traced">Whether the trace also records every acquisition decision (for a replayed seed).</param>
    /// <param name="slowLegOneIn">One leg of a call in this many is slow (see <see cref="Delay"/>).</param>
    public SimulatedCluster(int seed, int targetCount = 40, bool traced = false, int slowLegOneIn = 100)
    {
        _traced = traced;
        _slowLegOneIn = slowLegOneIn;
        _random = new Random(seed);
        for (var i = 0; i < targetCount; i++)
        {
            _targets[new TargetRef("sim", (ulong)_random.NextInt64())] = new TargetSpec(IntervalMs, Clustered: true);
        }
        Check = new SlotCheck(IntervalMs);
    }

    public long Now { get; private set; }

    public SlotCheck Check { get; }

    public IReadOnlyCollection<TargetRef> Targets => _targets.Keys;

    public string Trace => _trace.ToString();

    /// <summary>Runs a history to <paramref name="endMs"/> and returns the problems seen between warm-up and the end.</summary>
    public List<string> Run(IReadOnlyList<ClusterChange> history, long endMs)
    {
        foreach (var change in history)
        {
            At(change.AtMs, () => Perform(change));
        }
        WatchForAnEmptyCluster(endMs);
        while (_events.TryDequeue(out var action, out var when) && when.Item1 <= endMs)
        {
            Now = when.Item1;
            action();
        }
        var firstActive = history.OfType<ClusterChange.Start>().Min(s => s.AtMs);
        return Check.Problems(Targets, firstActive + 4000, endMs - 4000);
    }

    private void Perform(ClusterChange change)
    {
        Log($"{change}");
        switch (change)
        {
            case ClusterChange.Start start when Running(start.Name) is null:
                StartSilo(start.Name);
                break;
            case ClusterChange.Start start when Running(start.Name) is { Leaving: true }:
                // A pod name is reused only once the old pod has exited (two live processes under one name are a
                // misconfiguration, tested elsewhere): start when the leaving one is gone.
                At(Now + 50, () => Perform(start));
                break;
            case ClusterChange.Leave leave when Running(leave.Name) is { Leaving: false } silo:
                BeginLeave(silo);
                break;
            case ClusterChange.Crash crash when Running(crash.Name) is { } silo:
                silo.Gone = true;
                Excuse(silo, Now, "crash");
                DeclareDeadLater(silo, Now);
                break;
            case ClusterChange.Freeze freeze when Running(freeze.Name) is { } silo:
                silo.FrozenUntilMs = Now + freeze.DurationMs;
                var detection = _random.NextInt64(DetectionMinMs, DetectionMaxMs);
                if (freeze.DurationMs >= detection)
                {
                    Excuse(silo, Now, "freeze past detection");
                    DeclareDeadLater(silo, Now, detection);
                }
                else
                {
                    // Nobody takes over; the silo itself skips slots until it confirms its membership after resuming.
                    Check.Excuse(Now - IntervalMs, Now + freeze.DurationMs + IntervalMs + 1000, $"{silo} frozen briefly");
                }
                break;
        }
    }

    /// <summary>While no silo is up (the only one restarting), nobody can scrape: those slots are excused.</summary>
    private void WatchForAnEmptyCluster(long endMs)
    {
        if (Now > endMs)
        {
            return;
        }
        if (Now > 0 && !_silos.Any(s => s.Active && !s.Gone && !s.Leaving && s.FrozenUntilMs <= Now))
        {
            Check.Excuse(Now - IntervalMs - 100, Now + 2 * IntervalMs, "no silo running");
        }
        At(Now + 100, () => WatchForAnEmptyCluster(endMs));
    }

    private SimulatedSilo? Running(string name) => _silos.LastOrDefault(s => s.Name == name && !s.Gone);

    private void StartSilo(string name)
    {
        var generation = _generations[name] = _generations.GetValueOrDefault(name) + 1;
        var silo = new SimulatedSilo(name, generation, _timings, FenceWindowMs, _traced ? Log : null);
        _silos.Add(silo);
        _membership.Set(name, generation, Status.Joining);
        AtSilo(silo, Now + _random.NextInt64(100, 1500), () =>
        {
            if (_membership.StatusOf(name, generation) == Status.Dead)
            {
                // Declared dead while joining (frozen past detection): Orleans' write of its Active row finds the Dead
                // row, and the process ends itself instead of becoming active.
                Log($"{silo} finds itself declared dead while joining");
                silo.Gone = true;
                return;
            }
            _membership.Set(name, generation, Status.Active);
            silo.Active = true;
            silo.Planner.SetTargets(_targets);
            Deliver(silo, _membership.Take(), Now);
            Broadcast(except: silo);
            Tick(silo);
            ConfirmLoop(silo);
        });
    }

    private void BeginLeave(SimulatedSilo silo)
    {
        silo.Leaving = true;
        // Orleans may take the silo out of the ring before or after the scheduler's hand-off runs.
        var shuttingDownAfter = _random.Next(2) == 0 ? _random.NextInt64(0, 300) : 0;
        var handOffAfter = shuttingDownAfter == 0 ? _random.NextInt64(0, 100) : 0;
        AtSilo(silo, Now + shuttingDownAfter, () =>
        {
            if (_membership.StatusOf(silo.Name, silo.Generation) == Status.Active)
            {
                _membership.Set(silo.Name, silo.Generation, Status.ShuttingDown);
                Broadcast(except: null);
            }
        });
        AtSilo(silo, Now + handOffAfter, () =>
        {
            Apply(silo, silo.Planner.BeginLeave(Now));
            FinishLeave(silo);
        });
    }

    private void FinishLeave(SimulatedSilo silo)
    {
        if (!silo.Planner.LeaveIsOver(Now))
        {
            AtSilo(silo, Now + 20, () => FinishLeave(silo));
            return;
        }
        silo.Planner.StopAll();
        silo.Gone = true;
        _membership.Set(silo.Name, silo.Generation, Status.Dead);
        Broadcast(except: null);
        Log($"{silo} left");
    }

    private void DeclareDeadLater(SimulatedSilo silo, long sinceMs, long? detection = null)
    {
        var at = sinceMs + (detection ?? _random.NextInt64(DetectionMinMs, DetectionMaxMs));
        At(at, () =>
        {
            if (_membership.StatusOf(silo.Name, silo.Generation) is Status.Active or Status.ShuttingDown or Status.Joining)
            {
                _membership.Set(silo.Name, silo.Generation, Status.Dead);
                Log($"{silo} declared dead");
                Broadcast(except: null);
            }
        });
    }

    /// <summary>A crash or a long freeze may lose slots from an interval before it until the take-over is done.</summary>
    private void Excuse(SimulatedSilo silo, long fromMs, string why) =>
        Check.Excuse(fromMs - IntervalMs, fromMs + DetectionMaxMs + MaxViewDelayMs + _timings.HandOffTimeoutMs + 2 * IntervalMs, $"{silo} {why}");

    /// <summary>Every live silo learns the table's latest state after its own delay (gossip, or the periodic read).</summary>
    private void Broadcast(SimulatedSilo? except)
    {
        var snapshot = _membership.Take();
        var taken = Now;
        foreach (var silo in _silos.Where(s => s.Active && !s.Gone && s != except))
        {
            var delay = _random.Next(10) == 0 ? _random.NextInt64(300, MaxViewDelayMs) : _random.NextInt64(1, 300);
            AtSilo(silo, Now + delay, () => Deliver(silo, snapshot, taken));
        }
    }

    private void Deliver(SimulatedSilo silo, Snapshot snapshot, long takenAtMs)
    {
        if (snapshot.Version <= silo.ViewVersion)
        {
            return;
        }
        silo.ViewVersion = snapshot.Version;
        silo.View = snapshot;
        ObserveOwnStatus(silo, snapshot.Rows.GetValueOrDefault((silo.Name, silo.Generation)), takenAtMs);
        if (silo.Gone)
        {
            return;
        }
        silo.Planner.SetView(snapshot.ViewOf(silo.Name, silo.Generation));
        RefreshFence(silo); // as the scheduler does: a view update after a stall may run before the loop
        BreakCallsToTheDead(silo, snapshot);
        Apply(silo, silo.Planner.Reconcile(Now));
    }

    /// <summary>
    /// As Orleans does when a silo's status turns Dead (<c>BreakOutstandingMessagesToSilo</c>): every call still
    /// waiting for that process fails at once with <c>SiloUnavailableException</c>, ambiguous to the caller. Modelled for
    /// a frozen callee, whose calls would otherwise wait for the caller's timeout: one that handled a call sent its
    /// answer before it could be declared dead, and one that crashed or left closed its connections, which fails its
    /// calls already (see <see cref="Call{T}"/>).
    /// </summary>
    private void BreakCallsToTheDead(SimulatedSilo silo, Snapshot snapshot)
    {
        foreach (var (callee, calls) in silo.Outstanding.Where(o => o.Key.FrozenUntilMs > Now && snapshot.Rows.GetValueOrDefault((o.Key.Name, o.Key.Generation)) == Status.Dead).ToList())
        {
            silo.Outstanding.Remove(callee);
            calls.ForEach(fail => AtSilo(silo, Now, fail));
        }
    }

    private void ObserveOwnStatus(SimulatedSilo silo, Status status, long evidenceMs)
    {
        if (status == Status.Dead)
        {
            silo.Fence.Dead();
            Log($"{silo} learns it was declared dead");
            At(Now + _random.NextInt64(0, 200), () => silo.Gone = true); // Orleans ends the process
        }
        else if (status is Status.Active or Status.ShuttingDown)
        {
            // A leaving silo is still a member: it scrapes what it handed over up to the handed slots (the scheduler's
            // peers confirm it too, answering its pings).
            silo.Fence.Confirm(evidenceMs);
        }
    }

    /// <summary>The scheduler's loop: fence, due slots, a reconcile every second, and acquisitions' retries in between.</summary>
    private void RefreshFence(SimulatedSilo silo)
    {
        silo.Fence.Tick(Now);
        silo.Planner.Fenced = silo.Fence.IsFenced(Now);
    }

    private void Tick(SimulatedSilo silo)
    {
        Dispatch(silo);
        if (Now - silo.LastReconcileMs >= ReconcileMs && !silo.Leaving)
        {
            silo.LastReconcileMs = Now;
            Apply(silo, silo.Planner.Reconcile(Now));
        }
        else
        {
            Apply(silo, silo.Planner.RetryAcquisitions(Now));
        }
        AtSilo(silo, Now + TickMs, () => Tick(silo));
    }

    private void Dispatch(SimulatedSilo silo)
    {
        RefreshFence(silo);
        var handedOver = new PlannerActions();
        foreach (var (target, slot) in silo.Planner.TakeDue(Now, handedOver))
        {
            Check.Record(target, slot, silo.Id, Now);
        }
        Apply(silo, handedOver);
    }

    /// <summary>The membership check four times per fence window: a table read that takes a moment.</summary>
    private void ConfirmLoop(SimulatedSilo silo)
    {
        var requestedAt = Now;
        var delay = _random.NextInt64(1, 40);
        At(Now + delay, () =>
        {
            var status = _membership.StatusOf(silo.Name, silo.Generation) ?? Status.Dead;
            AtSilo(silo, Now, () => ObserveOwnStatus(silo, status, requestedAt));
        });
        AtSilo(silo, Now + FenceWindowMs / 4, () => ConfirmLoop(silo));
    }

    private void Apply(SimulatedSilo silo, PlannerActions actions)
    {
        foreach (var (target, slot) in actions.Started)
        {
            Log($"{silo} starts {target.Key:x16} at {slot}");
        }
        if (actions.Started.Count > 0 && silo.Active)
        {
            // As the scheduler does: a start wakes its dispatch loop at once. A handed-over slot may be nearly an
            // interval old; waiting for the next tick would push it past the interval and skip it.
            AtSilo(silo, Now, () => Dispatch(silo));
        }
        foreach (var (target, reason) in actions.Stopped)
        {
            Log($"{silo} stops {target.Key:x16}: {reason}");
        }
        foreach (var (peer, targets) in actions.Pulls)
        {
            Log($"{silo} asks {peer} for {targets.Count}");
            Call(silo, peer,
                to =>
                {
                    var answers = to.Planner.Release(silo.Name, silo.Generation, targets, Now, new PlannerActions());
                    Log($"{to} answers {silo}: {string.Join(", ", answers.Select(a => $"{a.Target.Key:x16} {a.Outcome} {a.SlotMs} {a.HandedTo}"))}");
                    return answers;
                },
                (answers, _) =>
                {
                    Log($"{silo} gets {(answers is null ? "no answer" : "answers")} from {peer}");
                    Apply(silo, silo.Planner.OnReleaseAnswers(peer, targets, answers, Now));
                });
        }
        foreach (var (peer, handOffs) in actions.Pushes)
        {
            Log($"{silo} pushes to {peer}: {string.Join(", ", handOffs.Select(h => $"{h.Target.Key:x16}@{h.NextSlotMs}"))}");
            Call(silo, peer,
                to =>
                {
                    var onward = new PlannerActions();
                    var accepted = to.Active && !to.Gone ? to.Planner.Accept(silo.Name, handOffs, Now, onward) : new bool[handOffs.Count];
                    Apply(to, onward);
                    Log($"{to} accepts from {silo}: {string.Join(", ", handOffs.Select((h, i) => $"{h.Target.Key:x16}@{h.NextSlotMs}={accepted[i]}"))}");
                    return accepted;
                },
                (accepted, undelivered) =>
                {
                    Log($"{silo} gets {(accepted is null ? "no answer" : "accept answers")} from {peer}");
                    Apply(silo, silo.Planner.OnAcceptAnswers(peer, handOffs, accepted, Now, undelivered));
                });
        }
    }

    /// <summary>
    /// A grain call by node name: routed to the live incarnation of that name, delayed both ways, failed as
    /// undelivered when there is none (Orleans: no silo of that name, or it is dead), waiting while the callee is
    /// frozen, failed once the caller learns the callee was declared dead (<see cref="BreakCallsToTheDead"/>), and given
    /// up by the caller after the hand-off timeout (both ambiguous: it may have been processed).
    /// </summary>
    private void Call<T>(SimulatedSilo caller, string peer, Func<SimulatedSilo, T> handle, Action<T?, bool> complete) where T : class
    {
        var done = false;
        SimulatedSilo? waitingFor = null;
        void Fail() => Finish(null);
        void Finish(T? result, bool undelivered = false)
        {
            if (!done)
            {
                done = true;
                if (waitingFor is not null && caller.Outstanding.TryGetValue(waitingFor, out var calls))
                {
                    calls.Remove(Fail);
                }
                complete(result, undelivered);
            }
        }
        AtSilo(caller, Now + _timings.HandOffTimeoutMs, () => Finish(null));
        var callee = _silos.FirstOrDefault(s => s.Name == peer && s.Active && !s.Gone);
        var outbound = Delay();
        var there = Now + outbound;
        long Back() => Delay(mayBeSlow: outbound < SlowLegMinMs); // one slow leg per call at most
        if (callee is null)
        {
            AtSilo(caller, there + Back(), () => Finish(null, undelivered: true));
            return;
        }
        waitingFor = callee;
        (caller.Outstanding.TryGetValue(callee, out var outstanding) ? outstanding : caller.Outstanding[callee] = []).Add(Fail);
        AtSilo(callee, there, () =>
        {
            // Handled now: its answer is on the wire before the callee could be declared dead, and arrives.
            caller.Outstanding.GetValueOrDefault(callee)?.Remove(Fail);
            if (callee.View?.Rows.GetValueOrDefault((caller.Name, caller.Generation)) == Status.Dead)
            {
                AtSilo(caller, Now + Back(), () => Finish(null, undelivered: true)); // Orleans rejects a dead silo's calls
                return;
            }
            var result = handle(callee);
            AtSilo(caller, Now + Back(), () => Finish(result));
        },
        // The callee went away first: its connection closes and the call fails at once.
        whenGone: () => AtSilo(caller, Now + Back(), () => Finish(null, undelivered: true)));
    }

    /// <summary>
    /// One way of a call: mostly quick, sometimes a few hundred milliseconds, and now and then slow — a starved
    /// process (a join storm on two cores) takes a second or more to pass a call on. A slow leg is longer than an
    /// interval, so a hand-off can land after the slot it names has passed; both legs together stay inside the
    /// hand-off timeout (a call that takes longer has failed, and the caller acts on that).
    /// </summary>
    private long Delay(bool mayBeSlow = true) => _random.Next(_slowLegOneIn) switch
    {
        0 when mayBeSlow => _random.NextInt64(SlowLegMinMs, SlowLegMaxMs),
        var roll when roll <= _slowLegOneIn / 25 => _random.NextInt64(50, 400), // one in 25 (one in 20 when not slow)
        _ => _random.NextInt64(1, 50),
    };

    private void At(long atMs, Action action) => _events.Enqueue(action, (atMs, _sequence++));

    /// <summary>An event of one silo: dropped once it is gone, held back while it is frozen.</summary>
    private void AtSilo(SimulatedSilo silo, long atMs, Action action, Action? whenGone = null)
    {
        At(atMs, () =>
        {
            if (silo.Gone)
            {
                whenGone?.Invoke();
                return;
            }
            if (Now < silo.FrozenUntilMs)
            {
                AtSilo(silo, silo.FrozenUntilMs, action, whenGone);
                return;
            }
            action();
        });
    }

    private void Log(string line)
    {
        if (_trace.Length < 2_000_000)
        {
            _trace.Append(Now).Append(": ").AppendLine(line);
        }
    }
}
