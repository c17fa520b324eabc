using Microsoft.Extensions.DependencyInjection;

namespace AlloyOrleans.Grains.Discovery.Shared;

public static class SharedDiscoveryServiceCollectionExtensions
{
    /// <summary>Adds discovery once per cluster; needs the cluster view (<see cref="ClusteredScrapingSiloBuilderExtensions"/>).</summary>
    public static IServiceCollection AddSharedDiscovery(this IServiceCollection services)
    {
        services.AddOptions<SharedDiscoveryOptions>();
        services.AddSingleton<SharedTargetStore>();
        services.AddSingleton<SharedDiscovery>();
        return services;
    }
}
