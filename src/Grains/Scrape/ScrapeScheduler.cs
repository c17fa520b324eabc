using System.Diagnostics.Metrics;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Membership;
using AlloyOrleans.Grains.Ownership;
using AlloyOrleans.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// The per-silo scrape loop: the I/O shell around the pure <see cref="OwnershipPlanner"/>. It feeds the planner the
/// registry's targets, the cluster view and the peers' answers, carries out what the planner returns (release
/// requests, pushes, slots to scrape) outside its lock, and passes each due slot whole to a local stateless worker.
/// </summary>
public sealed partial class ScrapeScheduler : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly ScrapeTargetRegistry _registry;
    private readonly ClusterViewService _cluster;
    private readonly IGrainFactory _grains;
    private readonly TargetScraper _scraper;
    private readonly TimeProvider _time;
    private readonly ScrapeSchedulerOptions _options;
    private readonly ITargetAssignment _assignment;
    private readonly ILogger<ScrapeScheduler> _logger;
    private readonly object _lock = new();
    private readonly OwnershipPlanner _planner;
    private readonly Dictionary<TargetRef, ScheduledTarget> _scraping = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Counter<long> _movedTotal;
    private readonly ScrapeMetrics _metrics;
    private readonly HandOverFlushes _handOverFlushes;
    private readonly ResumableTargets _resumable;
    private bool _running;
    private string? _fenceReason;
    private IReadOnlyDictionary<TargetRef, TargetSpec> _specs = new Dictionary<TargetRef, TargetSpec>();
    private IReadOnlyDictionary<string, ScrapeJobTargets>? _specsOf;
    private Task _loop = Task.CompletedTask;

    public ScrapeScheduler(
        ScrapeTargetRegistry registry,
        ClusterViewService cluster,
        IGrainFactory grains,
        TargetScraper scraper,
        TimeProvider time,
        IOptions<ScrapeSchedulerOptions> options,
        ITargetAssignment assignment,
        IMeterFactory meterFactory,
        ScrapeMetrics metrics,
        ILogger<ScrapeScheduler> logger)
    {
        _registry = registry;
        _cluster = cluster;
        _grains = grains;
        _scraper = scraper;
        _time = time;
        _options = options.Value;
        _assignment = assignment;
        _logger = logger;
        _metrics = metrics;
        _handOverFlushes = new HandOverFlushes(time, _options.HandOffTimeout, _stopping.Token);
        _resumable = new ResumableTargets(_options.HandOffTimeout);
        _planner = new OwnershipPlanner(cluster.Current.LocalName, _options.Timings())
        {
            LocalIncarnation = cluster.LocalGeneration,
            DecisionLog = logger.IsEnabled(LogLevel.Debug) ? (target, decision) => LogDecision(target.ComponentId, target.Key, decision) : null,
        };
        var meter = AlloyMeter.For(meterFactory);
        _movedTotal = meter.CreateCounter<long>("prometheus_scrape_targets_moved_total",
            description: "Targets this silo stopped scraping because another silo now owns them.");
        meter.CreateObservableGauge("prometheus_scrape_targets_gauge", ObserveTargets,
            description: "Targets this silo scrapes, by component.");
        meter.CreateObservableCounter("prometheus_scrape_slots_skipped_total", () => SkippedSlots,
            description: "Slots not scraped because the loop or a worker picked them up a whole interval late, or the silo was fenced.");
    }

    /// <summary>The node name this scheduler scrapes for.</summary>
    public string NodeName => _cluster.Current.LocalName;

    private long SkippedSlots
    {
        get
        {
            lock (_lock)
            {
                return _planner.Dispatcher.SkippedSlots + _metrics.SlotsSkippedLate;
            }
        }
    }

    /// <summary>The targets this silo scrapes now, with their last reports.</summary>
    public IReadOnlyList<ScheduledTarget> Snapshot()
    {
        lock (_lock)
        {
            return [.. _scraping.Values];
        }
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ScrapeScheduler), ServiceLifecycleStage.Active, OnStart, OnStop);

    private async Task OnStart(CancellationToken cancellationToken)
    {
        await WarmUpAsync(cancellationToken);
        lock (_lock)
        {
            _running = true;
        }
        _cluster.Changed += OnClusterChanged;
        _registry.Changed += Reconcile;
        _assignment.Changed += Reconcile;
        _loop = Task.Run(() => DispatchLoopAsync(_stopping.Token), CancellationToken.None);
        Reconcile();
    }

    /// <summary>
    /// Creates the local scrape worker and this silo's coordinator before this silo takes any target. On a process
    /// that has just started beside others (a Deployment created whole: eight silos on two cores), the first call to
    /// the worker waited seconds for its activation and the compiled call path, so the first slots handed to this silo
    /// reached the worker a whole interval late and were skipped: one gap per target it took; and the first hand-off
    /// to it waited for its coordinator's activation while nobody scraped the targets. Until both answer, this silo
    /// refuses hand-offs (the sender keeps scraping) and asks nobody for targets. Bounded: what does not answer in
    /// time is created by its first call instead.
    /// </summary>
    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The coordinator is placed by name: only once this silo's view shows it active (else placement retries).
            await Task.WhenAll(
                    _grains.GetGrain<IScrapeWorkerGrain>(0).WarmUp(),
                    _cluster.CanPlaceOn(NodeName) ? _grains.GetGrain<IScrapeCoordinatorGrain>(NodeName).Ping() : Task.CompletedTask)
                .WaitAsync(_options.HandOffTimeout, _time, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            LogWarmUpFailed(ex.Message);
        }
    }

    /// <summary>Graceful stop: hand every clustered target to its successor, wait for the hand-offs, then stop scraping.</summary>
    private async Task OnStop(CancellationToken cancellationToken)
    {
        _cluster.Changed -= OnClusterChanged;
        _registry.Changed -= Reconcile;
        _assignment.Changed -= Reconcile;
        PlannerActions actions;
        lock (_lock)
        {
            _planner.SetView(OwnershipViewOf(_cluster.Current));
            actions = _planner.BeginLeave(NowMs());
            Apply(actions);
        }
        Perform(actions);
        // Pulls and pushes under way finish first: a release that arrives now is passed on, not dropped.
        while (!cancellationToken.IsCancellationRequested)
        {
            lock (_lock)
            {
                if (_planner.LeaveIsOver(NowMs()))
                {
                    break;
                }
            }
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, CancellationToken.None);
        }
        lock (_lock)
        {
            _running = false;
            Apply(_planner.StopAll());
        }
        await _stopping.CancelAsync();
        _wake.Release();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void OnClusterChanged(ClusterView view) => Reconcile();

    private OwnershipView OwnershipViewOf(ClusterView view) =>
        new(view.LocalName, view.Version, view.IsReady, view.LocalHoldsName, view.Ring, _assignment,
            [.. view.Peers.Where(p => p.State == PeerState.Terminating).Select(p => p.Name)], view.Generations, view.Departed);

    /// <summary>Brings the scraped set in line with the registry and the current view.</summary>
    private void Reconcile()
    {
        PlannerActions actions;
        lock (_lock)
        {
            if (!_running)
            {
                return;
            }
            var now = NowMs();
            RefreshFence(now); // a view update can run before the loop after a stall: it must see the fence first
            _planner.SetTargets(TargetSpecs());
            _planner.SetView(OwnershipViewOf(_cluster.Current));
            actions = _planner.Reconcile(now);
            Apply(actions);
            _resumable.Expire(now);
        }
        Perform(actions);
    }

    /// <summary>Asks again for targets whose acquisition waits for a retry that is due (between the periodic reconciles).</summary>
    private void RetryAcquisitions()
    {
        PlannerActions actions;
        lock (_lock)
        {
            if (!_running)
            {
                return;
            }
            actions = _planner.RetryAcquisitions(NowMs());
            Apply(actions);
        }
        Perform(actions);
    }

    /// <summary>Notes that this silo runs now (a longer gap is a stall) and passes the fence to the planner. Under the lock.</summary>
    private void RefreshFence(long now)
    {
        _cluster.Fence.Tick(now);
        var fenceReason = _cluster.Fence.Reason(now);
        if (fenceReason is not null != _planner.Fenced)
        {
            LogFence(fenceReason ?? "membership confirmed");
        }
        _planner.Fenced = fenceReason is not null;
        _fenceReason = fenceReason;
    }

    /// <summary>
    /// Every discovered target's spec, rebuilt only when the registry changed (its job list is replaced on every change):
    /// a reconcile runs every second over the whole cluster's targets, and rebuilding this map each time was a third to
    /// half of its cost (PlannerReconcileBenchmarks) and a large-object allocation per second on a heap that holds every
    /// series. Under the lock.
    /// </summary>
    private IReadOnlyDictionary<TargetRef, TargetSpec> TargetSpecs()
    {
        var jobs = _registry.Jobs;
        if (ReferenceEquals(jobs, _specsOf))
        {
            return _specs;
        }
        var specs = new Dictionary<TargetRef, TargetSpec>(jobs.Values.Sum(entry => entry.Targets.Count));
        foreach (var (componentId, entry) in jobs)
        {
            var spec = new TargetSpec(ScrapeSlots.IntervalMs(entry.Job.Interval), entry.Job.ClusteringEnabled);
            foreach (var key in entry.Targets.Keys)
            {
                specs[new TargetRef(componentId, key)] = spec;
            }
        }
        (_specs, _specsOf) = (specs, jobs);
        return specs;
    }

    /// <summary>Keeps the runtime records in step with what the planner started and stopped. Called under the lock.</summary>
    private void Apply(PlannerActions actions)
    {
        List<ScheduledTarget>? continuedElsewhere = null;
        foreach (var (target, reason) in actions.Stopped)
        {
            if (!_scraping.Remove(target, out var scheduled))
            {
                continue;
            }
            LogStopped(target.ComponentId, target.Key, reason);
            if (reason == StopReason.Moved)
            {
                _movedTotal.Add(1, new KeyValuePair<string, object?>("component_id", target.ComponentId));
            }
            if (reason == StopReason.Disappeared)
            {
                _ = EndSeriesAsync(scheduled);
            }
            else
            {
                (continuedElsewhere ??= []).Add(scheduled);
                _resumable.Keep(scheduled, _specs.TryGetValue(target, out var spec) ? spec.IntervalMs : 0);
            }
        }
        if (continuedElsewhere is not null)
        {
            _handOverFlushes.Begin(continuedElsewhere);
        }
        foreach (var (target, firstSlot) in actions.Started)
        {
            _scraping[target] = _resumable.Resume(target, firstSlot);
            LogStarted(target.ComponentId, target.Key, firstSlot);
        }
        if (actions.Started.Count > 0)
        {
            _wake.Release();
        }
    }

    /// <summary>Sends what the planner asked for. Never called under the lock: a grain call may run inline.</summary>
    private void Perform(PlannerActions actions)
    {
        foreach (var (peer, targets) in actions.Pulls)
        {
            _ = PullAsync(peer, targets, _stopping.Token);
        }
        foreach (var (peer, handOffs) in actions.Pushes)
        {
            _ = PushAsync(peer, handOffs, _stopping.Token);
        }
    }

    /// <summary>A target that disappeared gets staleness markers for its series, once its last scrape is done.</summary>
    private async Task EndSeriesAsync(ScheduledTarget scheduled)
    {
        await Task.Yield(); // leave the caller's lock
        await scheduled.InFlight.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            await (scheduled.State.Job?.Executor ?? _scraper).EndSeriesAsync(scheduled.State, NowMs(), _stopping.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStalenessFailed(ex, scheduled.Target.ComponentId);
        }
    }

    /// <summary>Before telling the new owner of handed-over targets, waits (bounded) until their last samples here are sent.</summary>
    private async Task WhenLastSamplesSentAsync(IReadOnlyCollection<TargetRef> targets)
    {
        if (targets.Count == 0)
        {
            return;
        }
        var bound = _handOverFlushes.BoundFor(targets.Select(t => _registry.TryGet(t, out var job, out _) ? job.Interval : _options.HandOffTimeout));
        if (!await _handOverFlushes.WhenSentAsync(targets, bound))
        {
            LogHandOverBeforeSent(targets.Count, bound);
        }
    }

    private async Task DispatchLoopAsync(CancellationToken cancellationToken)
    {
        var worker = _grains.GetGrain<IScrapeWorkerGrain>(0);
        var lastReconcile = NowMs();
        var lastTurn = lastReconcile;
        var work = new List<(ScheduledTarget, ScrapeWork, Task Previous, TaskCompletionSource Done)>();
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan wait;
            var now = NowMs();
            lock (_lock)
            {
                RefreshFence(now);
                var skippedBefore = _planner.Dispatcher.SkippedSlots;
                var handedOver = new PlannerActions(); // targets handed over whose last slot here is dispatched now
                var due = _planner.TakeDue(now, handedOver);
                if (_planner.Dispatcher.SkippedSlots - skippedBefore is > 0 and var skipped)
                {
                    // Otherwise silent: a gap at the receiver must be traceable to the silo and the cause.
                    LogSlotsSkipped(skipped, _fenceReason ?? $"a whole interval late (this loop's previous turn was {now - lastTurn} ms ago)");
                }
                foreach (var (target, slot) in due)
                {
                    if (!_scraping.TryGetValue(target, out var scheduled) || !_registry.TryGet(target, out var job, out var scrapeTarget))
                    {
                        continue;
                    }
                    if (!scheduled.InFlight.IsCompleted && scheduled.SlotWaiting)
                    {
                        LogSkippedSlot(target.ComponentId, target.Key, slot);
                        continue;
                    }
                    // In flight from now, under the lock: a hand-off of the target that comes before the worker call
                    // still waits for this slot's samples.
                    // A slot behind a scrape still running waits for it (see ScrapeAfterAsync).
                    var previous = scheduled.InFlight;
                    scheduled.SlotWaiting = !previous.IsCompleted;
                    var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    scheduled.InFlight = done.Task;
                    scheduled.DispatchedSlotMs = slot;
                    work.Add((scheduled, new ScrapeWork(target, slot, job, scrapeTarget, scheduled.State), previous, done));
                }
                Apply(handedOver); // after their last slots went in flight: their flush waits for those
                var nextDue = _planner.Dispatcher.NextDueMs;
                wait = TimeSpan.FromMilliseconds(Math.Clamp((nextDue ?? now + 1000) - now, 1, 250));
            }
            foreach (var (scheduled, one, previous, done) in work)
            {
                _ = previous.IsCompleted
                    ? ScrapeSlotAsync(worker, scheduled, one, done)
                    : ScrapeAfterAsync(previous, worker, scheduled, one, done);
            }
            work.Clear();
            lastTurn = now;

            // Retries of acquisitions, pushes held back, and ledger expiry are driven by time.
            if (NowMs() - lastReconcile >= 1000)
            {
                lastReconcile = NowMs();
                Reconcile();
            }
            else
            {
                RetryAcquisitions();
            }
            try
            {
                await _wake.WaitAsync(wait, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A slot due while the previous slot's scrape still runs (a starved process) waits for it instead of being
    /// dropped at once: scrapes of one target never overlap, and the worker still skips the slot if it reaches it an
    /// interval late. At most one slot waits; a further one is skipped.
    /// </summary>
    private async Task ScrapeAfterAsync(Task previous, IScrapeWorkerGrain worker, ScheduledTarget scheduled, ScrapeWork work, TaskCompletionSource done)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        scheduled.SlotWaiting = false;
        await ScrapeSlotAsync(worker, scheduled, work, done);
    }

    private async Task ScrapeSlotAsync(IScrapeWorkerGrain worker, ScheduledTarget scheduled, ScrapeWork work, TaskCompletionSource done)
    {
        try
        {
            var report = await worker.Scrape(work);
            scheduled.Record(report, work.SlotMs);
            _metrics.Record(work.Target.ComponentId, report);
        }
        catch (Exception ex)
        {
            LogWorkerFailed(ex, work.Target.ComponentId, work.Target.Key);
        }
        finally
        {
            done.SetResult();
        }
    }

    private IEnumerable<Measurement<int>> ObserveTargets()
    {
        List<IGrouping<string, ScheduledTarget>> groups;
        lock (_lock)
        {
            groups = [.. _scraping.Values.GroupBy(s => s.Target.ComponentId)];
        }
        return groups.Select(g => new Measurement<int>(g.Count(), new KeyValuePair<string, object?>("component_id", g.Key)));
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public void Dispose()
    {
        _stopping.Dispose();
        _wake.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{ComponentId}: scraping target {Key:x16} from slot {SlotMs}")]
    private partial void LogStarted(string componentId, ulong key, long slotMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{ComponentId}: acquiring target {Key:x16}: {Decision}")]
    private partial void LogDecision(string componentId, ulong key, string decision);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{ComponentId}: stopped target {Key:x16}: {Reason}")]
    private partial void LogStopped(string componentId, ulong key, StopReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ComponentId}: target {Key:x16} still being scraped, with a slot already waiting, at slot {SlotMs}; slot skipped")]
    private partial void LogSkippedSlot(string componentId, ulong key, long slotMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The scrape worker or coordinator did not answer its warm-up call ({Error}); taking targets anyway")]
    private partial void LogWarmUpFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} due slots skipped: {Reason}")]
    private partial void LogSlotsSkipped(long count, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{ComponentId}: scrape worker failed for target {Key:x16}")]
    private partial void LogWorkerFailed(Exception exception, string componentId, ulong key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ComponentId}: could not write staleness markers")]
    private partial void LogStalenessFailed(Exception exception, string componentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handing over {Targets} targets before their last samples here were sent (waited {Bound}); the receiver may refuse those as out of order")]
    private partial void LogHandOverBeforeSent(int targets, TimeSpan bound);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Clustered scraping fence: {Reason}")]
    private partial void LogFence(string reason);
}
