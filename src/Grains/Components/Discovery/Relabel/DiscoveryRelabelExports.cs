using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Discovery.Relabel;

namespace AlloyOrleans.Grains.Components.Discovery.Relabel;

/// <summary>The exports of <c>discovery.relabel</c>: the relabelled targets and the compiled rules.</summary>
public sealed class DiscoveryRelabelExports
{
    [Alloy("output")]
    public IReadOnlyList<LabelSet> Output { get; init; } = [];

    [Alloy("rules")]
    public IReadOnlyList<RelabelRule> Rules { get; init; } = [];
}
