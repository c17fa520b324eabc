using System.IO.Hashing;
using System.Text;
using AlloyOrleans.Grains.Membership;

namespace AlloyOrleans.Grains.Discovery.Shared;

/// <summary>
/// Which silo runs a shared discovery component: the ring's owner of the component id's hash, among the active silos.
/// Every silo computes the same answer from the same membership, and a join moves a component only to the new silo
/// (about 1/N of them), as it does targets.
/// </summary>
public static class DiscoveryRunnerChoice
{
    /// <summary>The ring key of a component id: xxHash64 (seed 0) of its UTF-8 bytes.</summary>
    public static ulong Key(string componentId) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(componentId));

    /// <summary>
    /// The node that runs <paramref name="componentId"/>; null while the cluster is not ready (wait-for-size: silos
    /// that start together do not each open a watch while they are alone in their views) or no silo is active.
    /// </summary>
    public static string? Runner(ClusterView view, string componentId) =>
        !view.IsReady || view.Ring.IsEmpty ? null : view.Ring.Owner(Key(componentId));

    /// <summary>
    /// Whether this silo runs the discoverer: it is the runner and holds its name (a second silo with a taken name
    /// runs nothing, so two silos never both run it for that reason).
    /// </summary>
    public static bool IsLocal(ClusterView view, string componentId) =>
        view.LocalHoldsName && Runner(view, componentId) == view.LocalName;
}
