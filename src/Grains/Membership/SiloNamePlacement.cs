using Orleans.Placement;
using Orleans.Runtime;

namespace AlloyOrleans.Grains.Membership;

/// <summary>
/// Places a grain keyed by a node name on the active silo with that name, so a silo can address a peer's
/// per-silo grain (its scrape coordinator) by the name the ring uses.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SiloNamePlacement : PlacementStrategy
{
    public static readonly SiloNamePlacement Instance = new();
}

/// <summary>Marks a string-keyed grain class for <see cref="SiloNamePlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloNamePlacementAttribute() : PlacementAttribute(SiloNamePlacement.Instance);
