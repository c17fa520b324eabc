namespace AlloyOrleans.Grains.Components.Discovery;

/// <summary>
/// <c>clustering { enabled = true }</c> inside a <c>discovery.*</c> block — our extension, not Alloy's (grafana/alloy
/// #399): one silo of the cluster runs the discoverer and every silo receives its target list.
/// </summary>
public sealed class DiscoveryClusteringArguments
{
    [Alloy("enabled", Required = true)]
    public bool Enabled { get; init; }
}
