using AlloyOrleans.Silo.Configuration;

namespace AlloyOrleans.Silo.Hosting;

/// <summary>
/// Runs the configuration's components for the life of the process. Registered before Orleans: it starts first and
/// stops last, so jobs stay registered while the stopping silo hands its targets over.
/// </summary>
public sealed class ComponentGraphService(LoadedConfiguration configuration, IServiceProvider services, StoragePath storage) : IHostedService, IAsyncDisposable
{
    private readonly ComponentGraph _graph = new(configuration);

    /// <summary>True once every component has been started with its first arguments.</summary>
    public bool Started { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _graph.StartAsync(services, storage.Path, cancellationToken);
        Started = true;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _graph.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _graph.DisposeAsync();
}

/// <summary>The <c>--storage.path</c> directory, where components keep their data (the remote_write WAL).</summary>
public sealed record StoragePath(string Path);
