using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components.Common.Relabel;

namespace AlloyOrleans.Grains.Components.Discovery.Relabel;

/// <summary>The arguments of <c>discovery.relabel</c>.</summary>
public sealed class DiscoveryRelabelArguments : IValidatableArguments
{
    [Alloy("targets", Required = true)]
    public IReadOnlyList<LabelSet> Targets { get; set; } = [];

    [AlloyBlock("rule")]
    public IReadOnlyList<RelabelRuleArguments> Rules { get; set; } = [];

    public void Validate() => RelabelRuleArguments.ToRules(Rules);
}
