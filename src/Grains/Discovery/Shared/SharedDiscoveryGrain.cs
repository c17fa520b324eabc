using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Membership;
using Orleans.Concurrency;

namespace AlloyOrleans.Grains.Discovery.Shared;

/// <summary>This silo's receiving end for shared target lists, placed on the silo whose node name is its key.</summary>
[SiloNamePlacement]
[Reentrant]
public sealed class SharedDiscoveryGrain(SharedTargetStore store) : Grain, ISharedDiscoveryGrain
{
    public Task<long> Offer(SharedTargetList list) => Task.FromResult(store.Offer(list));

    public Task<long> GetVersion(string componentId) => Task.FromResult(store.Version(componentId));
}
