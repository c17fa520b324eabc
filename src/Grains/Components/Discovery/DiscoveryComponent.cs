using System.Text.Json;
using System.Threading.Channels;
using AlloyOrleans.Grains.Discovery;

namespace AlloyOrleans.Grains.Components.Discovery;

/// <summary>
/// The glue every <c>discovery.*</c> component shares: exports an empty target list at once, then runs a discoverer
/// built from the current arguments and exports each target list it reports. Different arguments stop the running
/// discoverer and start a new one (equal ones change nothing); its last targets stay exported until the new one reports.
/// </summary>
public abstract class DiscoveryComponent<TArguments>(IComponentHost host) : IComponent
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
                var discoverer = CreateDiscoverer(arguments);
                var token = running.Token;
                discovery = Task.Run(
                    () => discoverer.RunAsync(targets => Host.SetExports(new DiscoveryExports { Targets = targets }), token),
                    CancellationToken.None);
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

    /// <summary>Builds the engine for one set of arguments.</summary>
    protected abstract ITargetDiscoverer CreateDiscoverer(TArguments arguments);
}
