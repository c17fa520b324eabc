namespace AlloyOrleans.Grains.Ownership;

/// <summary>
/// Who owns target key <c>k</c> among one set of active nodes: the one question the ownership planner asks about
/// placement. The plain ring answers it (<see cref="RingOwnership"/>); load-aware placement answers it from the ring
/// plus a weights table. Every silo must get the same answer from the same inputs.
/// </summary>
public interface ITargetOwnership
{
    /// <summary>The owner of <paramref name="key"/>, or null when there is no node to own it.</summary>
    string? OwnerOf(ulong key);
}

/// <summary>
/// Turns the ring over a set of active nodes into an ownership answer. Registered in the silo's services; replace it
/// to place targets differently (for example by load). It is called for the view's ring and for rings without
/// some nodes (a leaving silo's successors), so it must depend only on the ring it is given and on shared state.
/// </summary>
public interface ITargetAssignment
{
    ITargetOwnership Assign(Ring.HashRing ring);
}
