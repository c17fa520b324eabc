using Xunit;

namespace AlloyOrleans.Tests.Cluster;

/// <summary>Cluster tests run one at a time: each starts several silos, and timing-sensitive checks need the cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterTestCollection
{
    public const string Name = "Orleans clusters";
}
