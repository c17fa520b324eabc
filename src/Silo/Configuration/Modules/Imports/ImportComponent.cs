using AlloyOrleans.Grains.Components;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Silo.Configuration.Modules.Imports;

/// <summary>
/// The loop every <c>import.*</c> shares: fetch the module once when (re)configured — a failure there is the
/// component's start error — then re-fetch every poll interval (or when <see cref="Wake"/> says the source changed)
/// and publish the sources when they differ, which rebuilds the custom components built from them. A failed
/// re-fetch keeps the last good module and is logged once until a fetch succeeds again.
/// </summary>
public abstract partial class ImportComponent<TArguments>(IComponentHost host) : IComponent
    where TArguments : class
{
    private readonly SemaphoreSlim _wake = new(0);
    private TArguments? _arguments;
    private IReadOnlyDictionary<string, string>? _published;
    private bool _failing;

    protected IComponentHost Host { get; } = host;

    public async Task UpdateAsync(object arguments, CancellationToken cancellationToken)
    {
        var typed = (TArguments)arguments;
        (typed as IValidatableArguments)?.Validate();
        var sources = await FetchAsync(typed, cancellationToken).ConfigureAwait(false);
        _arguments = typed;
        OnConfigured(typed);
        Publish(sources);
        Wake();
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PollAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The graph does not dispose components: their run loop ending is their end.
            OnStopped();
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var arguments = _arguments;
            var interval = arguments is null ? Timeout.InfiniteTimeSpan : PollFrequency(arguments);
            await _wake.WaitAsync(interval, cancellationToken).ConfigureAwait(false);
            if (arguments is null || _arguments != arguments)
            {
                continue;
            }
            try
            {
                Publish(await FetchAsync(arguments, cancellationToken).ConfigureAwait(false));
                _failing = false;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (!_failing)
                {
                    _failing = true;
                    LogFetchFailed(Host.Logger, Host.ComponentId, e.Message);
                }
            }
        }
    }

    /// <summary>Reads the module files: name (used in error positions) to content.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string>> FetchAsync(TArguments arguments, CancellationToken cancellationToken);

    protected abstract TimeSpan PollFrequency(TArguments arguments);

    /// <summary>New arguments are in force (a file watcher follows the new path).</summary>
    protected virtual void OnConfigured(TArguments arguments)
    {
    }

    /// <summary>The component is done: release watchers and clients.</summary>
    protected virtual void OnStopped()
    {
    }

    /// <summary>Fetch now rather than at the next poll.</summary>
    protected void Wake() => _wake.Release();

    private void Publish(IReadOnlyDictionary<string, string> sources)
    {
        if (_published is not null && _published.Count == sources.Count && _published.All(s => sources.TryGetValue(s.Key, out var v) && v == s.Value))
        {
            return;
        }
        _published = sources;
        Host.SetExports(new ImportExports { Sources = sources });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ComponentId} keeps its last module: {Error}")]
    private static partial void LogFetchFailed(ILogger logger, string componentId, string error);
}
