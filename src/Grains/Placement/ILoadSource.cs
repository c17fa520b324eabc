using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Placement;

/// <summary>What this silo measures for load-aware placement: which components balance by samples, and the samples
/// per scrape of the targets it scrapes for each.</summary>
public interface ILoadSource
{
    IReadOnlyCollection<string> BalancedComponents();

    TargetSample[] Measured(string componentId);
}
