using System.Collections.Concurrent;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Membership;
using AlloyOrleans.Grains.Ring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace AlloyOrleans.Grains.Placement;

/// <summary>
/// This silo's copy of each balanced component's weights table, and the assignment it gives on the current ring —
/// the ownership seam of load-aware placement. A loop polls each table's grain and reports what this silo measured.
/// A table that cannot be read keeps its last version (every silo holds the same one, so they still agree); a silo
/// that never read one places by the plain ring. Nobody is ever left without an owner.
/// </summary>
public sealed partial class PlacementTables(
    IGrainFactory grains,
    ClusterViewService cluster,
    ILoadSource loads,
    TimeProvider time,
    IOptions<TablePollingOptions> options,
    ILogger<PlacementTables> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly TablePollingOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, TargetWeights> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Component, string Nodes), Assignment> _assignments = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>Raised (outside any lock) when a component's table changed version.</summary>
    public event Action? Changed;

    /// <summary>The table this silo holds for <paramref name="componentId"/>; empty (the plain ring) if none.</summary>
    public TargetWeights TableOf(string componentId) => _tables.GetValueOrDefault(componentId, TargetWeights.Empty);

    /// <summary>
    /// Who owns what for a balanced component on <paramref name="ring"/>. Cached by the ring's node names and the
    /// table version: the scheduler asks for the same few rings (the current one, the one without this silo) over and
    /// over, and placing a million targets takes about a second.
    /// </summary>
    public Assignment AssignmentOf(string componentId, HashRing ring)
    {
        var table = TableOf(componentId);
        var cacheKey = (componentId, string.Join('\n', ring.Nodes));
        if (_assignments.TryGetValue(cacheKey, out var cached) && cached.WeightsVersion == table.Version)
        {
            return cached;
        }
        if (_assignments.Count > 16)
        {
            _assignments.Clear(); // rings of earlier memberships, or tables replaced since
        }
        var assignment = BoundedLoadPlacement.Place(ring, table, _options.Placement);
        _assignments[cacheKey] = assignment;
        return assignment;
    }


    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PlacementTables), ServiceLifecycleStage.Active, OnStart, OnStop);

    private Task OnStart(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => LoopAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        var lastReport = DateTimeOffset.MinValue;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var report = time.GetUtcNow() - lastReport >= _options.ReportInterval;
            var ok = true;
            foreach (var componentId in loads.BalancedComponents())
            {
                ok &= await SyncAsync(componentId, report, cancellationToken);
            }
            if (report)
            {
                lastReport = time.GetUtcNow();
            }
            // Back off while the grains do not answer, up to eight poll intervals.
            failures = ok ? 0 : Math.Min(failures + 1, 3);
            try
            {
                await Task.Delay(_options.PollInterval * (1 << failures), time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Polls one component's table and, when due, reports this silo's measurements; false on failure.</summary>
    private async Task<bool> SyncAsync(string componentId, bool report, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<ITargetWeightsGrain>(componentId);
        try
        {
            var held = TableOf(componentId);
            var snapshot = await grain.GetIfChanged(held.Version).WaitAsync(_options.CallTimeout, cancellationToken);
            if (snapshot is { Version: 0 } && held.Version != 0)
            {
                await grain.Seed(PlacementSnapshots.From(held)).WaitAsync(_options.CallTimeout, cancellationToken);
            }
            else if (snapshot is not null)
            {
                _tables[componentId] = PlacementSnapshots.ToTable(snapshot);
                LogNewTable(componentId, snapshot.Version, snapshot.Keys.Length);
                Changed?.Invoke();
            }
            if (report && cluster.Current.IsReady)
            {
                var measured = loads.Measured(componentId);
                if (measured.Length > 0)
                {
                    await grain.Report(cluster.Current.LocalName, measured).WaitAsync(_options.CallTimeout, cancellationToken);
                }
            }
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogSyncFailed(ex, componentId);
            return false;
        }
    }

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "{ComponentId}: weights table version {Version} ({Targets} targets)")]
    private partial void LogNewTable(string componentId, long version, int targets);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ComponentId}: could not reach the weights table; placing with the table held")]
    private partial void LogSyncFailed(Exception exception, string componentId);
}
