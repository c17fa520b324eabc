using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Membership;
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
public sealed partial class SharedDiscovery(
    ClusterViewService cluster,
    IGrainFactory grains,
    SharedTargetStore store,
    IOptions<SharedDiscoveryOptions> options,
    TimeProvider time,
    ILogger<SharedDiscovery> logger)
{
    /// <summary>
    /// Runs one shared component until cancelled: exports each newer list this silo receives (the one it already
    /// holds at once), and runs <paramref name="createDiscoverer"/>'s discoverer while this silo is the runner.
    /// </summary>
    public async Task RunAsync(string componentId, Func<ITargetDiscoverer> createDiscoverer, Action<IReadOnlyList<LabelSet>> export, CancellationToken cancellationToken)
    {
        using var subscription = store.Subscribe(componentId, list => export(list.Targets));
        if (store.Latest(componentId) is { } held)
        {
            export(held.Targets);
        }
        var viewChanged = new ChangeSignal();
        void OnViewChanged(ClusterView view) => viewChanged.Notify();
        // Subscribed before the first look at the view, so no change falls between the two.
        cluster.Changed += OnViewChanged;
        CancellationTokenSource? running = null;
        Task? runner = null;
        try
        {
            while (true)
            {
                var local = DiscoveryRunnerChoice.IsLocal(cluster.Current, componentId);
                if (local && runner is null)
                {
                    LogRunning(logger, componentId);
                    running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var discoverer = createDiscoverer();
                    var token = running.Token;
                    runner = Task.Run(() => new DiscoveryRunner(componentId, cluster, grains, store, options.Value, time, logger).RunAsync(discoverer, token), CancellationToken.None);
                }
                else if (!local && runner is not null)
                {
                    LogStopped(logger, componentId, DiscoveryRunnerChoice.Runner(cluster.Current, componentId));
                    await StopAsync(running!, runner).ConfigureAwait(false);
                    (running, runner) = (null, null);
                }
                await viewChanged.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            cluster.Changed -= OnViewChanged;
            if (runner is not null)
            {
                await StopAsync(running!, runner).ConfigureAwait(false);
            }
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
