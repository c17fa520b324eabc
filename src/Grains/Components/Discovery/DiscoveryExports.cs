using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Components.Discovery;

/// <summary>The exports of every <c>discovery.*</c> component that finds targets: the current target list.</summary>
public sealed class DiscoveryExports
{
    [Alloy("targets")]
    public IReadOnlyList<LabelSet> Targets { get; init; } = [];
}
