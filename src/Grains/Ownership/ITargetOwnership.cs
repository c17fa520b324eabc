using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Ownership;

/// <summary>
/// Who owns a target among one set of active nodes: the one question the ownership planner asks about
/// placement. The plain ring answers it (<see cref="RingOwnership"/>); load-aware placement answers it from the ring
/// plus a weights table. Every silo must get the same answer from the same inputs.
/// </summary>
public interface ITargetOwnership
{
    /// <summary>
    /// The owner of <paramref name="target"/>, or null when there is no node to own it. The target, not only its key:
    /// placement may differ per component (a component balanced by samples follows its own weights table).
    /// </summary>
    string? OwnerOf(TargetRef target);
}

/// <summary>
/// Turns the ring over a set of active nodes into an ownership answer. Registered in the silo's services; replace it
/// to place targets differently (for example by load). It is called for the view's ring and for rings without
/// some nodes (a leaving silo's successors), so it must depend only on the ring it is given and on shared state.
/// </summary>
public interface ITargetAssignment
{
    ITargetOwnership Assign(Ring.HashRing ring);

    /// <summary>Raised (outside any lock) when the same ring would now be assigned differently (a new weights table).</summary>
    event Action? Changed;
}
