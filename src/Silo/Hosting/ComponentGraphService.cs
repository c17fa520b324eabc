using AlloyOrleans.Silo.Configuration;

namespace AlloyOrleans.Silo.Hosting;

/// <summary>
/// Runs the configuration's components. Registered after Orleans, so it starts once the silo is up and stops
/// before the silo does (hosted services stop in reverse order), while hand-offs can still reach peers.
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
