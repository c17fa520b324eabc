using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>Runs a loaded configuration's component graph for the host's lifetime (the <c>run</c> command).</summary>
public sealed class ComponentGraphService(LoadedConfiguration configuration, IServiceProvider services, string storagePath) : IHostedService, IAsyncDisposable
{
    private readonly ComponentGraph _graph = new(configuration);

    public ComponentGraph Graph => _graph;

    public Task StartAsync(CancellationToken cancellationToken) => _graph.StartAsync(services, storagePath, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _graph.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _graph.DisposeAsync();
}

public static class ComponentGraphServiceCollectionExtensions
{
    /// <summary>
    /// Adds the component graph as a hosted service. Register it after Orleans so components that call grains start
    /// once the silo is up.
    /// </summary>
    public static IServiceCollection AddComponentGraph(this IServiceCollection services, LoadedConfiguration configuration, string storagePath) =>
        services.AddHostedService(provider => new ComponentGraphService(configuration, provider, storagePath));
}
