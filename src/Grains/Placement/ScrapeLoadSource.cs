using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Scrape;
using Microsoft.Extensions.DependencyInjection;

namespace AlloyOrleans.Grains.Placement;

/// <summary>
/// Reads the scheduler's last scrape reports. The scheduler is resolved on use: it asks <see cref="PlacementTables"/>
/// who owns what, so taking it in the constructor would make the two depend on each other.
/// </summary>
public sealed class ScrapeLoadSource(ScrapeTargetRegistry registry, IServiceProvider services) : ILoadSource
{
    public IReadOnlyCollection<string> BalancedComponents() =>
        [.. registry.Jobs.Where(j => j.Value.Job is { ClusteringEnabled: true, Balance: ScrapeBalance.Samples }).Select(j => j.Key)];

    public TargetSample[] Measured(string componentId) =>
        [.. services.GetRequiredService<ScrapeScheduler>().Snapshot()
            .Where(s => s.Target.ComponentId == componentId && s.LastReport is { Up: true })
            .Select(s => new TargetSample(s.Target.Key, s.LastReport!.SamplesScraped))];
}
