using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Grains.Placement;

/// <summary>
/// Whether the weights table's owner publishes a new table: only after the rate limit, and only when re-placing by the
/// current measurements would lower the peak node's load by a clear margin. The new table is anchored to the
/// assignment in force, so it moves just the targets that relieve overloaded nodes. After a membership change the table
/// in force is re-anchored to the new ring (a table that moves nothing), so each join or leave moves only its own share.
/// </summary>
public static class RebalanceGate
{
    /// <summary>The table to publish as <paramref name="version"/>, or null to keep <paramref name="published"/>.</summary>
    public static TargetWeights? Decide(
        TargetWeights published, TargetWeights measured, HashRing ring, TimeSpan sinceLastPublish, long version, PublishingOptions options)
    {
        if (ring.IsEmpty || measured.Count == 0 || sinceLastPublish < options.MinInterval)
        {
            return null;
        }
        var current = BoundedLoadPlacement.Place(ring, published, options.Placement);
        var currentPeak = Peak(current, measured);
        var anchored = BoundedLoadPlacement.Place(ring, measured.AnchoredTo(current, version), options.Placement);
        if (ClearlyLower(Peak(anchored, measured), currentPeak, options))
        {
            return measured.AnchoredTo(anchored, version);
        }
        // Anchored targets keep their room, so a heavy target that must leave an overloaded node may find no other
        // node with space for it (lumpy fleets: a few targets each half a fair share). Placing afresh, heaviest first,
        // moves more but packs them; it is taken only when it clearly lowers the peak the anchored placement could not.
        var fresh = BoundedLoadPlacement.Place(ring, measured.WithVersion(version), options.Placement);
        if (ClearlyLower(Peak(fresh, measured), currentPeak, options))
        {
            return measured.AnchoredTo(fresh, version);
        }
        // Nothing to relieve, but the ring changed since the table was anchored: anchor it to the placement in force on
        // this ring, which moves nothing. Otherwise a node that joined since keeps pulling the targets the ring gives it
        // as capacities change, and the next join or leave moves more than its own share.
        return published.HasAnchors && !published.AnchorNodes.Order(StringComparer.Ordinal).SequenceEqual(ring.Nodes.Order(StringComparer.Ordinal), StringComparer.Ordinal)
            ? published.AnchoredTo(current, version)
            : null;
    }

    private static bool ClearlyLower(long proposedPeak, long currentPeak, PublishingOptions options) =>
        (Int128)proposedPeak * 1000 <= (Int128)currentPeak * (1000 - options.ImprovementMilli);

    /// <summary>The load of the busiest node when <paramref name="assignment"/> carries the targets of <paramref name="weights"/>.</summary>
    public static long Peak(Assignment assignment, TargetWeights weights)
    {
        var loads = new long[assignment.Ring.Nodes.Count];
        for (var i = 0; i < weights.Count; i++)
        {
            loads[assignment.OwnerIndex(weights.Keys[i])] += weights.Weights[i];
        }
        return loads.Length == 0 ? 0 : loads.Max();
    }
}
