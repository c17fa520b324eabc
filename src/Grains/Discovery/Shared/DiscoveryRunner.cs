using System.Threading.Channels;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Membership;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.Discovery.Shared;

/// <summary>
/// The runner's side of one shared discovery component, for as long as this silo is its runner: runs the discoverer,
/// gives each list it reports the next version, keeps it locally, and delivers it to every active silo until each
/// has acknowledged it — again to silos that join later, with backoff to silos that do not answer.
/// </summary>
internal sealed partial class DiscoveryRunner(
    string componentId,
    ClusterViewService cluster,
    IGrainFactory grains,
    SharedTargetStore store,
    SharedDiscoveryOptions options,
    TimeProvider time,
    ILogger logger)
{
    public async Task RunAsync(ITargetDiscoverer discoverer, CancellationToken cancellationToken)
    {
        var lists = Channel.CreateBounded<IReadOnlyList<LabelSet>>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var wake = new ChangeSignal();
        void OnViewChanged(ClusterView view) => wake.Notify();
        cluster.Changed += OnViewChanged;
        // Asked while the discoverer makes its first refresh, so a takeover waits for the slower of the two, not both.
        var highestKnown = HighestKnownVersionAsync(cancellationToken);
        var discovery = Task.Run(
            () => discoverer.RunAsync(targets =>
            {
                lists.Writer.TryWrite(targets);
                wake.Notify();
            }, cancellationToken),
            CancellationToken.None);
        var tracker = new DeliveryTracker();
        SharedTargetList? current = null;
        var retryDelay = options.MinRetryDelay;
        try
        {
            while (true)
            {
                if (lists.Reader.TryRead(out var targets))
                {
                    var floor = Math.Max(await highestKnown.ConfigureAwait(false), store.Version(componentId));
                    current = new SharedTargetList(componentId, SharedTargetVersion.Next(time.GetUtcNow().ToUnixTimeMilliseconds(), floor), cluster.Current.LocalName, targets);
                    store.Offer(current);
                    LogPublished(logger, componentId, current.Version, targets.Count);
                }
                if (current is not null && !await DeliverAsync(current, tracker, cancellationToken).ConfigureAwait(false))
                {
                    await wake.WaitAsync(retryDelay, time, cancellationToken).ConfigureAwait(false);
                    retryDelay = retryDelay * 2 < options.MaxRetryDelay ? retryDelay * 2 : options.MaxRetryDelay;
                    continue;
                }
                retryDelay = options.MinRetryDelay;
                await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            cluster.Changed -= OnViewChanged;
            await discovery.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Offers <paramref name="list"/> to every silo that still needs it; false if any delivery failed.</summary>
    private async Task<bool> DeliverAsync(SharedTargetList list, DeliveryTracker tracker, CancellationToken cancellationToken)
    {
        var due = tracker.Due(cluster.Current, list.Version);
        if (due.Count == 0)
        {
            return true;
        }
        var results = await Task.WhenAll(due.Select(async peer =>
        {
            try
            {
                var held = await grains.GetGrain<ISharedDiscoveryGrain>(peer.Name).Offer(list)
                    .WaitAsync(options.DeliveryTimeout, cancellationToken).ConfigureAwait(false);
                return (peer.Silo, Held: (long?)held);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogDeliveryFailed(logger, componentId, list.Version, peer.Name, e.Message);
                return (peer.Silo, Held: null);
            }
        })).ConfigureAwait(false);
        foreach (var (silo, held) in results)
        {
            if (held is { } version)
            {
                tracker.Acknowledge(silo, version);
            }
        }
        return results.All(r => r.Held is not null);
    }

    /// <summary>The highest version any reachable silo holds; a silo that does not answer in time counts as 0.</summary>
    private async Task<long> HighestKnownVersionAsync(CancellationToken cancellationToken)
    {
        var view = cluster.Current;
        var versions = await Task.WhenAll(view.ActiveByName.Keys.Where(n => n != view.LocalName).Select(async name =>
        {
            try
            {
                return await grains.GetGrain<ISharedDiscoveryGrain>(name).GetVersion(componentId)
                    .WaitAsync(options.VersionQueryTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogVersionQueryFailed(logger, componentId, name, e.Message);
                return 0L;
            }
        })).ConfigureAwait(false);
        return Math.Max(store.Version(componentId), versions.DefaultIfEmpty(0).Max());
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shared discovery {ComponentId}: published version {Version} with {Targets} targets")]
    private static partial void LogPublished(ILogger logger, string componentId, long version, int targets);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shared discovery {ComponentId}: delivering version {Version} to {Peer} failed, will retry: {Error}")]
    private static partial void LogDeliveryFailed(ILogger logger, string componentId, long version, string peer, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shared discovery {ComponentId}: {Peer} did not say which version it holds; the clock carries the new versions past it: {Error}")]
    private static partial void LogVersionQueryFailed(ILogger logger, string componentId, string peer, string error);
}
