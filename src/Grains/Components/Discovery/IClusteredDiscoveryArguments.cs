namespace AlloyOrleans.Grains.Components.Discovery;

/// <summary>The arguments of a discovery component that can be shared by the cluster.</summary>
public interface IClusteredDiscoveryArguments
{
    /// <summary>The <c>clustering</c> block, when present.</summary>
    DiscoveryClusteringArguments? Clustering { get; }
}
