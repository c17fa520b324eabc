using System.Diagnostics.Metrics;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Membership;
using AlloyOrleans.Grains.Placement;
using AlloyOrleans.Grains.Ring;
using AlloyOrleans.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// The per-silo scrape loop. It keeps the set of targets this silo scrapes — those the local ring gives it, plus
/// hand-offs in flight — and starts each on its slot grid by calling a local stateless scrape worker.
/// Targets change hands at slot boundaries: a silo that gains a target asks the previous owner to release it and
/// starts at the first slot the previous owner did not scrape; a silo that shuts down hands its targets to their
/// next owners before it leaves the ring. Only a crash loses slots (those inside failure detection).
/// </summary>
public sealed partial class ScrapeScheduler : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly ScrapeTargetRegistry _registry;
    private readonly ClusterViewService _cluster;
    private readonly PlacementTables _tables;
    private readonly IGrainFactory _grains;
    private readonly TargetScraper _scraper;
    private readonly TimeProvider _time;
    private readonly ScrapeSchedulerOptions _options;
    private readonly ILogger<ScrapeScheduler> _logger;
    private readonly object _lock = new();
    private readonly Dictionary<TargetRef, ScheduledTarget> _scraping = [];
    private readonly HashSet<TargetRef> _acquiring = [];
    private readonly Dictionary<TargetRef, (string Requester, long SinceMs)> _releasedTo = [];
    private readonly PriorityQueue<ScheduledTarget, long> _due = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Counter<long> _movedTotal;
    private readonly ScrapeMetrics _metrics;
    private ClusterView? _lastView;
    private readonly Dictionary<string, ComponentOwnership> _lastOwnership = new(StringComparer.Ordinal);
    private bool _running;
    private bool _hasPendingMoves;
    private Task _loop = Task.CompletedTask;

    public ScrapeScheduler(
        ScrapeTargetRegistry registry,
        ClusterViewService cluster,
        PlacementTables tables,
        IGrainFactory grains,
        TargetScraper scraper,
        TimeProvider time,
        IOptions<ScrapeSchedulerOptions> options,
        IMeterFactory meterFactory,
        ScrapeMetrics metrics,
        ILogger<ScrapeScheduler> logger)
    {
        _registry = registry;
        _cluster = cluster;
        _tables = tables;
        _grains = grains;
        _scraper = scraper;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _metrics = metrics;
        var meter = AlloyMeter.For(meterFactory);
        _movedTotal = meter.CreateCounter<long>("prometheus_scrape_targets_moved_total",
            description: "Targets this silo stopped scraping because another silo now owns them.");
        meter.CreateObservableGauge("prometheus_scrape_targets_gauge", ObserveTargets,
            description: "Targets this silo scrapes, by component.");
    }

    /// <summary>The node name this scheduler scrapes for.</summary>
    public string NodeName => _cluster.Current.LocalName;

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

    private Task OnStart(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _running = true;
        }
        _cluster.Changed += OnClusterChanged;
        _registry.Changed += Reconcile;
        _tables.Changed += Reconcile;
        _loop = Task.Run(() => DispatchLoopAsync(_stopping.Token), CancellationToken.None);
        Reconcile();
        return Task.CompletedTask;
    }

    /// <summary>Graceful stop: hand every clustered target to its next owner, then stop scraping.</summary>
    private async Task OnStop(CancellationToken cancellationToken)
    {
        _cluster.Changed -= OnClusterChanged;
        _registry.Changed -= Reconcile;
        _tables.Changed -= Reconcile;
        Dictionary<string, List<TargetHandOff>> handOffs;
        lock (_lock)
        {
            _running = false;
            handOffs = PlanHandOffOnLeave();
        }
        await Task.WhenAll(handOffs.Select(h => SendHandOffAsync(h.Key, h.Value, cancellationToken)));
        await _stopping.CancelAsync();
        _wake.Release();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void OnClusterChanged(ClusterView view) => Reconcile();

    /// <summary>Brings the scraped set in line with the registry and the current view. Cheap when nothing moved.</summary>
    private void Reconcile()
    {
        var pulls = new Dictionary<string, List<TargetRef>>(StringComparer.Ordinal);
        var stale = new List<ScheduledTarget>();
        lock (_lock)
        {
            if (!_running)
            {
                return;
            }
            var view = _cluster.Current;
            var lastView = _lastView is { IsReady: true } last ? last : null;
            ClusterView? withoutLocal = null;
            var ownershipNow = new Dictionary<string, ComponentOwnership>(StringComparer.Ordinal);
            var now = NowMs();
            var graceMs = (long)_options.ReleaseGrace.TotalMilliseconds;
            _hasPendingMoves = _releasedTo.Count > 0;
            var wanted = new HashSet<TargetRef>();

            foreach (var (componentId, entry) in _registry.Jobs)
            {
                // Ownership comes from the component's balance: the plain ring, or load-aware placement.
                var ownership = ownershipNow[componentId] = Ownership(view, entry.Job);
                var lastOwnership = lastView is null ? null : _lastOwnership.GetValueOrDefault(componentId) ?? Ownership(lastView, entry.Job);
                ComponentOwnership? ownershipWithoutLocal = null;
                foreach (var (key, target) in entry.Targets)
                {
                    var reference = new TargetRef(componentId, key);
                    if (!entry.Job.ClusteringEnabled)
                    {
                        wanted.Add(reference);
                        if (!_scraping.ContainsKey(reference))
                        {
                            Start(reference, ScrapeSlots.AtOrAfter(key, entry.Job.Interval, now), grantedBy: null);
                        }
                        continue;
                    }

                    var owner = ownership.Owner(key);
                    // Released to a silo that our ring does not show yet: don't take it back until the ring agrees, or
                    // until the grace period says the requester is not coming.
                    if (_releasedTo.TryGetValue(reference, out var released) && (owner != view.LocalName || now - released.SinceMs >= graceMs))
                    {
                        _releasedTo.Remove(reference);
                    }

                    if (ownership.IsLocal(key))
                    {
                        wanted.Add(reference);
                        if (_scraping.TryGetValue(reference, out var scheduled))
                        {
                            scheduled.LosingSinceMs = null;
                            scheduled.GrantedBy = null;
                        }
                        else if (!_acquiring.Contains(reference) && !_releasedTo.ContainsKey(reference))
                        {
                            // Whoever may be scraping it now: the owner in our last view, or else the owner if we were
                            // not here (a join: the silo we take it from).
                            var previousOwner = lastOwnership?.Owner(key);
                            if (previousOwner is null || previousOwner == view.LocalName || !view.IsActive(previousOwner))
                            {
                                withoutLocal ??= WithoutLocal(view);
                                ownershipWithoutLocal ??= Ownership(withoutLocal, entry.Job);
                                previousOwner = ownershipWithoutLocal.Owner(key);
                            }
                            if (previousOwner is not null && previousOwner != view.LocalName && view.IsActive(previousOwner))
                            {
                                _acquiring.Add(reference);
                                (pulls.TryGetValue(previousOwner, out var list) ? list : pulls[previousOwner] = []).Add(reference);
                            }
                            else
                            {
                                Start(reference, ScrapeSlots.AtOrAfter(key, entry.Job.Interval, now), grantedBy: null);
                            }
                        }
                    }
                    else if (_scraping.TryGetValue(reference, out var scheduled))
                    {
                        wanted.Add(reference);
                        if (owner is null || !view.LocalHoldsName)
                        {
                            Stop(scheduled, "cluster not ready");
                            continue;
                        }
                        if (scheduled.GrantedBy == owner && view.IsActive(owner))
                        {
                            continue; // handed to us by a leaving silo that is still in our ring
                        }
                        // The new owner will ask for it; keep scraping until then, within a bound.
                        scheduled.LosingSinceMs ??= now;
                        _hasPendingMoves = true;
                        if (now - scheduled.LosingSinceMs >= graceMs || !view.IsActive(owner))
                        {
                            Stop(scheduled, "owned by " + owner);
                            _movedTotal.Add(1, new KeyValuePair<string, object?>("component_id", componentId));
                        }
                    }
                }
            }

            foreach (var (reference, scheduled) in _scraping.ToList())
            {
                if (!wanted.Contains(reference))
                {
                    Stop(scheduled, "target disappeared");
                    stale.Add(scheduled);
                }
            }
            _lastView = view;
            _lastOwnership.Clear();
            foreach (var (componentId, ownership) in ownershipNow)
            {
                _lastOwnership[componentId] = ownership;
            }
        }

        foreach (var (owner, targets) in pulls)
        {
            _ = PullAsync(owner, targets, _stopping.Token);
        }
        foreach (var scheduled in stale)
        {
            _ = EndSeriesAsync(scheduled);
        }
    }

    private ComponentOwnership Ownership(ClusterView view, ScrapeJob job) =>
        _tables.OwnershipOf(view, job.ComponentId, job is { ClusteringEnabled: true, Balance: ScrapeBalance.Samples });

    private void Start(TargetRef reference, long firstSlotMs, string? grantedBy)
    {
        var scheduled = new ScheduledTarget(reference, firstSlotMs) { GrantedBy = grantedBy };
        _scraping[reference] = scheduled;
        _due.Enqueue(scheduled, firstSlotMs);
        LogStarted(reference.ComponentId, reference.Key, firstSlotMs);
        _wake.Release();
    }

    private void Stop(ScheduledTarget scheduled, string reason)
    {
        scheduled.Active = false;
        _scraping.Remove(scheduled.Target);
        LogStopped(scheduled.Target.ComponentId, scheduled.Target.Key, reason);
    }

    /// <summary>A target that disappeared gets staleness markers for its series, once its last scrape is done.</summary>
    private async Task EndSeriesAsync(ScheduledTarget scheduled)
    {
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

    private async Task DispatchLoopAsync(CancellationToken cancellationToken)
    {
        var worker = _grains.GetGrain<IScrapeWorkerGrain>(0);
        var lastGraceCheck = NowMs();
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan wait;
            lock (_lock)
            {
                var now = NowMs();
                while (_due.TryPeek(out var scheduled, out var dueMs) && dueMs <= now)
                {
                    _due.Dequeue();
                    if (!scheduled.Active || scheduled.NextSlotMs != dueMs)
                    {
                        continue;
                    }
                    if (!_registry.TryGet(scheduled.Target, out var job, out _))
                    {
                        continue;
                    }
                    var slot = scheduled.NextSlotMs;
                    scheduled.NextSlotMs = slot + ScrapeSlots.IntervalMs(job.Interval);
                    _due.Enqueue(scheduled, scheduled.NextSlotMs);
                    if (!scheduled.InFlight.IsCompleted)
                    {
                        LogSkippedSlot(scheduled.Target.ComponentId, scheduled.Target.Key, slot);
                        continue;
                    }
                    scheduled.InFlight = ScrapeSlotAsync(worker, scheduled, slot);
                }
                wait = _due.TryPeek(out _, out var nextDue) ? TimeSpan.FromMilliseconds(Math.Max(1, nextDue - now)) : TimeSpan.FromSeconds(1);
                if (wait > TimeSpan.FromSeconds(1))
                {
                    wait = TimeSpan.FromSeconds(1);
                }
            }

            // Targets whose new owner never asked, or that were released to a silo never seen, time out.
            if (Volatile.Read(ref _hasPendingMoves) && NowMs() - lastGraceCheck >= 1000)
            {
                lastGraceCheck = NowMs();
                Reconcile();
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

    private async Task ScrapeSlotAsync(IScrapeWorkerGrain worker, ScheduledTarget scheduled, long slotMs)
    {
        // The dispatch loop starts this under _lock. Sending a grain call can run the worker activation's message
        // loop inline on this thread, and that loop waits for the activation's own lock, which a running Scrape holds
        // while it waits for _lock in TryGetWork: a lock-order deadlock (seen in real processes under load). Leave
        // the caller's lock before calling.
        await Task.Yield();
        try
        {
            var report = await worker.Scrape(scheduled.Target, slotMs);
            scheduled.LastReport = report;
            scheduled.LastScrapeSlotMs = slotMs;
            if (scheduled.Active)
            {
                // A target stopped meanwhile (released, moved) is not counted: its worker usually found nothing to scrape.
                _metrics.Record(scheduled.Target.ComponentId, report);
            }
        }
        catch (Exception ex)
        {
            LogWorkerFailed(ex, scheduled.Target.ComponentId, scheduled.Target.Key);
        }
    }

    /// <summary>Used by the worker grain: the scrape state of a target this silo scrapes.</summary>
    public bool TryGetWork(TargetRef target, out ScrapeJob job, out ScrapeTarget scrapeTarget, out TargetScrapeState state)
    {
        lock (_lock)
        {
            if (_scraping.TryGetValue(target, out var scheduled) && _registry.TryGet(target, out job, out scrapeTarget))
            {
                state = scheduled.State;
                return true;
            }
        }
        job = null!;
        scrapeTarget = null!;
        state = null!;
        return false;
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "{ComponentId}: stopped target {Key:x16}: {Reason}")]
    private partial void LogStopped(string componentId, ulong key, string reason);


    [LoggerMessage(Level = LogLevel.Warning, Message = "{ComponentId}: target {Key:x16} still being scraped at slot {SlotMs}; slot skipped")]
    private partial void LogSkippedSlot(string componentId, ulong key, long slotMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "{ComponentId}: scrape worker failed for target {Key:x16}")]
    private partial void LogWorkerFailed(Exception exception, string componentId, ulong key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ComponentId}: could not write staleness markers")]
    private partial void LogStalenessFailed(Exception exception, string componentId);
}
