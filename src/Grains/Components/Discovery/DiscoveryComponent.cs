using System.Text.Json;
using System.Threading.Channels;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Discovery;
using AlloyOrleans.Grains.Discovery.Shared;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.Components.Discovery;

/// <summary>
/// The glue every <c>discovery.*</c> component shares: exports an empty target list at once, then runs a discoverer
/// built from the current arguments and exports each target list it reports. Different arguments stop the running
/// discoverer and start a new one (equal ones change nothing); its last targets stay exported until the new one reports.
/// With <c>clustering { enabled = true }</c> (our extension) the discoverer runs on one silo of the cluster and this
/// silo exports the lists it shares (<see cref="SharedDiscovery"/>); without the block nothing differs from Alloy.
/// </summary>
public abstract partial class DiscoveryComponent<TArguments>(IComponentHost host, SharedDiscovery? sharedDiscovery) : IComponent
    where TArguments : class
{
    private readonly Channel<TArguments> _updates = Channel.CreateBounded<TArguments>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
    private bool _exported;
    private string? _lastArguments;

    protected IComponentHost Host { get; } = host;

    public Task UpdateAsync(object arguments, CancellationToken cancellationToken)
    {
        var typed = (TArguments)arguments;
        (typed as IValidatableArguments)?.Validate();
        (typed as IEnvironmentCheckedArguments)?.CheckEnvironment();
        if (!_exported)
        {
            _exported = true;
            Host.SetExports(new DiscoveryExports());
        }
        // Re-evaluation often yields the same arguments; restarting would relist and re-read for nothing.
        var serialized = JsonSerializer.Serialize(typed, typed.GetType());
        if (serialized != _lastArguments)
        {
            _lastArguments = serialized;
            _updates.Writer.TryWrite(typed);
        }
        return Task.CompletedTask;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        CancellationTokenSource? running = null;
        Task? discovery = null;
        try
        {
            await foreach (var arguments in _updates.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (running is not null)
                {
                    await running.CancelAsync().ConfigureAwait(false);
                    await discovery!.ConfigureAwait(false);
                    running.Dispose();
                }
                running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var token = running.Token;
                discovery = Task.Run(() => DiscoverAsync(arguments, token), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (running is not null)
            {
                await running.CancelAsync().ConfigureAwait(false);
                await discovery!.ConfigureAwait(false);
                running.Dispose();
            }
        }
    }

    private Task DiscoverAsync(TArguments arguments, CancellationToken cancellationToken)
    {
        if (arguments is not IClusteredDiscoveryArguments { Clustering.Enabled: true })
        {
            return CreateDiscoverer(arguments).RunAsync(Export, cancellationToken);
        }
        if (sharedDiscovery is null)
        {
            LogNotShared(Host.Logger, Host.ComponentId);
            return CreateDiscoverer(arguments).RunAsync(Export, cancellationToken);
        }
        return sharedDiscovery.RunAsync(Host.ComponentId, () => CreateDiscoverer(arguments), Export, cancellationToken);
    }

    private void Export(IReadOnlyList<LabelSet> targets) => Host.SetExports(new DiscoveryExports { Targets = targets });

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ComponentId}: clustering is enabled but this process runs no cluster; discovering locally")]
    private static partial void LogNotShared(ILogger logger, string componentId);

    /// <summary>Builds the engine for one set of arguments.</summary>
    protected abstract ITargetDiscoverer CreateDiscoverer(TArguments arguments);
}
