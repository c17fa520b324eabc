using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Placement;

/// <summary>Converts a weights table to and from the snapshot that crosses grain boundaries.</summary>
public static class PlacementSnapshots
{
    public static TargetWeightsSnapshot From(TargetWeights table)
    {
        var (keys, weights, anchors, nodes) = table.ToArrays();
        return new TargetWeightsSnapshot(table.Version, keys, weights, anchors, nodes);
    }

    public static TargetWeights ToTable(TargetWeightsSnapshot snapshot) =>
        TargetWeights.FromSorted(snapshot.Version, snapshot.Keys, snapshot.Weights, snapshot.Anchors, snapshot.AnchorNodes);
}
