namespace AlloyOrleans.Grains.Placement;

/// <summary>
/// The knobs of load-aware placement. Integers (per-mille) rather than doubles, so that every silo computes exactly the
/// same capacities from the same table, whatever its floating-point code generation.
/// </summary>
public sealed record PlacementOptions
{
    /// <summary>
    /// ε in per-mille: a silo takes at most (1 + ε) × its fair share of samples unless one target alone is larger.
    /// 80 (8 %) leaves the 10 % goal a margin for the rounding of capacities and for the odd target that fits nowhere.
    /// </summary>
    public int ToleranceMilli { get; init; } = 80;

    /// <summary>
    /// Extra room, per-mille of the fair share, for a target to stay on its anchor: after a join every capacity
    /// shrinks by 1/(N+1), and without slack each node just under the old bound would shed a whole target. The
    /// default keeps an anchored placement within 10 % of the fair share.
    /// </summary>
    public int StickySlackMilli { get; init; } = 20;

    public static PlacementOptions Default { get; } = new();
}
