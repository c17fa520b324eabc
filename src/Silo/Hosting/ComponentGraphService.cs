using AlloyOrleans.Silo.Configuration;

namespace AlloyOrleans.Silo.Hosting;

/// <summary>
/// Runs the configuration's components for the life of the process. They start in the host's "starting" phase, which
/// completes before any hosted service starts, so they are up before the Orleans silo even though the silo and the
/// HTTP server then start side by side; registered first, they stop last, so jobs stay registered while the stopping
/// silo hands its targets over.
/// </summary>
public sealed class ComponentGraphService(LoadedConfiguration configuration, IServiceProvider services, StoragePath storage) : IHostedLifecycleService, IAsyncDisposable
{
    private readonly ComponentGraph _graph = new(configuration);

    /// <summary>True once every component has been started with its first arguments.</summary>
    public bool Started { get; private set; }

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await _graph.StartAsync(services, storage.Path, cancellationToken);
        Started = true;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => _graph.StopAsync(cancellationToken);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => _graph.DisposeAsync();
}

/// <summary>The <c>--storage.path</c> directory, where components keep their data (the remote_write WAL).</summary>
public sealed record StoragePath(string Path);
