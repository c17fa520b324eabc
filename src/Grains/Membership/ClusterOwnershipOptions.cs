namespace AlloyOrleans.Grains.Membership;

/// <summary>
/// When this silo may own targets: Alloy's <c>--cluster.wait-for-size</c> and <c>--cluster.wait-timeout</c>.
/// </summary>
public sealed class ClusterOwnershipOptions
{
    /// <summary>Own nothing until at least this many silos are active; 0 turns the wait off.</summary>
    public int MinimumClusterSize { get; set; }

    /// <summary>After this long below the minimum size, proceed anyway (and stay so); zero waits forever.</summary>
    public TimeSpan WaitTimeout { get; set; }
}
