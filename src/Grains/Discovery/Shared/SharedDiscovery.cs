using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Membership;
using AlloyOrleans.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AlloyOrleans.Grains.Discovery.Shared;

/// <summary>
/// Discovery once per cluster (our extension, grafana/alloy #399): for a <c>discovery.*</c> component with
/// <c>clustering { enabled = true }</c>, only the component's runner (<see cref="DiscoveryRunnerChoice"/>) runs the
/// discoverer, and every silo exports the newest list it has received. When the runner changes — it left, died, or a
/// joining silo now owns the component — the old one stops and the new one starts on its next view, so a takeover
/// costs failure detection plus one refresh, and no silo's targets disappear in between.
/// </summary>
public sealed partial class SharedDiscovery
{
    private readonly ClusterViewService _cluster;
    private readonly IGrainFactory _grains;
    private readonly SharedTargetStore _store;
    private readonly IOptions<SharedDiscoveryOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SharedDiscovery> _logger;

    /// <summary>The shared components configured on this silo, each true while this silo is its runner.</summary>
    private readonly ConcurrentDictionary<string, bool> _components = new(StringComparer.Ordinal);

    public SharedDiscovery(
        ClusterViewService cluster,
        IGrainFactory grains,
        SharedTargetStore store,
        IOptions<SharedDiscoveryOptions> options,
        TimeProvider time,
        IMeterFactory meterFactory,
        ILogger<SharedDiscovery> logger)
    {
        _cluster = cluster;
        _grains = grains;
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
        var meter = AlloyMeter.For(meterFactory);
        meter.CreateObservableGauge("discovery_shared_runner",
            () => _components.Select(c => new Measurement<int>(c.Value ? 1 : 0, ComponentTag(c.Key))),
            description: "1 on the silo that runs a shared discovery component's discoverer for the cluster, 0 elsewhere.");
        meter.CreateObservableGauge("discovery_shared_targets_version",
            () => _components.Keys.Select(id => new Measurement<long>(_store.Version(id), ComponentTag(id))),
            description: "Version of the target list this silo holds for a shared discovery component (the runner's milliseconds clock).");
    }

    private static KeyValuePair<string, object?> ComponentTag(string componentId) => new("component_id", componentId);

    /// <summary>
    /// Runs one shared component until cancelled: exports each newer list this silo receives (the one it already
    /// holds at once), and runs <paramref name="createDiscoverer"/>'s discoverer while this silo is the runner.
    /// </summary>
    public async Task RunAsync(string componentId, Func<ITargetDiscoverer> createDiscoverer, Action<IReadOnlyList<LabelSet>> export, CancellationToken cancellationToken)
    {
        using var subscription = _store.Subscribe(componentId, list => export(list.Targets));
        if (_store.Latest(componentId) is { } held)
        {
            export(held.Targets);
        }
        var viewChanged = new ChangeSignal();
        void OnViewChanged(ClusterView view) => viewChanged.Notify();
        // Subscribed before the first look at the view, so no change falls between the two.
        _cluster.Changed += OnViewChanged;
        CancellationTokenSource? running = null;
        Task? runner = null;
        _components[componentId] = false;
        try
        {
            while (true)
            {
                var local = DiscoveryRunnerChoice.IsLocal(_cluster.Current, componentId);
                if (local && runner is null)
                {
                    LogRunning(_logger, componentId);
                    _components[componentId] = true;
                    running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var discoverer = createDiscoverer();
                    var token = running.Token;
                    runner = Task.Run(() => new DiscoveryRunner(componentId, _cluster, _grains, _store, _options.Value, _time, _logger).RunAsync(discoverer, token), CancellationToken.None);
                }
                else if (!local && runner is not null)
                {
                    LogStopped(_logger, componentId, DiscoveryRunnerChoice.Runner(_cluster.Current, componentId));
                    await StopAsync(running!, runner).ConfigureAwait(false);
                    (running, runner) = (null, null);
                    _components[componentId] = false;
                }
                await viewChanged.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _cluster.Changed -= OnViewChanged;
            if (runner is not null)
            {
                await StopAsync(running!, runner).ConfigureAwait(false);
            }
            _components.TryRemove(componentId, out _);
        }
    }

    private static async Task StopAsync(CancellationTokenSource running, Task runner)
    {
        await running.CancelAsync().ConfigureAwait(false);
        await runner.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        running.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shared discovery {ComponentId}: this silo runs the discoverer for the cluster")]
    private static partial void LogRunning(ILogger logger, string componentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shared discovery {ComponentId}: the discoverer now runs on {Runner}; this silo stopped its own")]
    private static partial void LogStopped(ILogger logger, string componentId, string? runner);
}
