using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace AlloyOrleans.Grains.Membership;

/// <summary>Chooses, for a grain keyed by a node name, the silo that holds that name in this silo's view.</summary>
public sealed class SiloNamePlacementDirector(ClusterViewService cluster) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var nodeName = target.GrainIdentity.Key.ToString()!;
        if (!cluster.Current.ActiveByName.TryGetValue(nodeName, out var silo))
        {
            throw new NamedSiloUnavailableException($"No active silo is named '{nodeName}'.");
        }
        SiloAddress[] compatible;
        try
        {
            compatible = context.GetCompatibleSilos(target);
        }
        catch (OrleansException ex)
        {
            throw new NamedSiloUnavailableException($"No silo can host {target.GrainIdentity.Type} yet.", ex);
        }
        if (!compatible.Contains(silo))
        {
            throw new NamedSiloUnavailableException($"The silo named '{nodeName}' ({silo}) cannot host {target.GrainIdentity.Type}.");
        }
        return Task.FromResult(silo);
    }
}
