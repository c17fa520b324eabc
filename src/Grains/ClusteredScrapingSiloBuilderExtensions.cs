using AlloyOrleans.Grains.Discovery.Shared;
using AlloyOrleans.Grains.Membership;
using AlloyOrleans.Grains.Ownership;
using AlloyOrleans.Grains.Placement;
using AlloyOrleans.Grains.Scrape;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Runtime;

namespace AlloyOrleans.Grains;

/// <summary>Adds the clustered scrape core to a silo: the ring from membership, the scheduler and the scrape grains, and shared discovery.</summary>
public static class ClusteredScrapingSiloBuilderExtensions
{
    public static ISiloBuilder AddClusteredScraping(this ISiloBuilder builder, Action<ClusterOwnershipOptions>? configureOwnership = null)
    {
        var services = builder.Services;
        services.AddOptions<ClusterOwnershipOptions>();
        services.AddOptions<ScrapeSchedulerOptions>();
        if (configureOwnership is not null)
        {
            services.Configure(configureOwnership);
        }
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();

        services.AddSingleton<ClusterViewService>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ClusterViewService>());
        services.AddPlacementDirector<SiloNamePlacement, SiloNamePlacementDirector>();
        services.AddSharedDiscovery();

        // Who owns which target among the active silos: the plain ring, or load-aware placement for components with
        // clustering { balance = "samples" }; unless something else registered an assignment first.
        services.TryAddSingleton<ITargetAssignment, LoadAwareAssignment>();
        services.AddSingleton<ScrapeTargetRegistry>();
        services.AddSingleton<IScrapeJobRegistry>(sp => sp.GetRequiredService<ScrapeTargetRegistry>());
        services.AddSingleton<ScrapeHttpClients>();
        services.AddSingleton<TargetScraper>();
        services.AddSingleton<ScrapeMetrics>();
        services.AddSingleton<ScrapeScheduler>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ScrapeScheduler>());

        // Load-aware placement (clustering { balance = "samples" }): the weights tables and this silo's copy of them.
        services.AddOptions<PublishingOptions>();
        services.AddOptions<TablePollingOptions>();
        services.AddSingleton<ILoadSource, ScrapeLoadSource>();
        services.AddSingleton<PlacementTables>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<PlacementTables>());
        return builder;
    }
}
