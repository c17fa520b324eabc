using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Grains.Ownership;

/// <summary>The plain consistent-hash ring as the ownership answer (Alloy's placement, the default).</summary>
public sealed class RingOwnership(HashRing ring) : ITargetOwnership
{
    public string? OwnerOf(TargetRef target) => ring.Owner(target.Key);
}

/// <summary>The default <see cref="ITargetAssignment"/>: the ring as it is.</summary>
public sealed class RingAssignment : ITargetAssignment
{
    public static readonly RingAssignment Instance = new();

    public ITargetOwnership Assign(HashRing ring) => new RingOwnership(ring);

    /// <summary>Never raised: the ring alone decides.</summary>
    public event Action? Changed
    {
        add { }
        remove { }
    }
}
