using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Placement;
using AlloyOrleans.Grains.Ring;
using AlloyOrleans.Tests.Infrastructure;
using Xunit;

namespace AlloyOrleans.Tests.Placement;

/// <summary>
/// The process test's sequence — three silos settle on a table, a fourth joins, one leaves — run through the pure gate
/// and placement on the process test's fleet (heavy-tailed, 20 to 1,338 series, the largest crowded on one ring node)
/// over many target addresses. Each change, with every table the gate publishes after it, moves at most 1.2× its ideal
/// share of samples (1/4), and the busiest node stays within 1.10× the mean. Found wanting by the process test: a join
/// moved up to 1.5× (old nodes shed to each other, not to the joiner) and a leave up to 2.5× (the leaver's largest
/// target fitted nowhere, overflowed, and only a fresh placement brought the peak back).
/// </summary>
public sealed class MembershipMoveTests
{
    private static readonly PublishingOptions Options = new() { MinInterval = TimeSpan.FromSeconds(3) };

    [Fact]
    public void A_join_and_a_leave_each_move_at_most_1_2_times_their_share_on_lumpy_fleets()
    {
        int[] sizes = [.. Enumerable.Range(0, 100).Select(i => (int)Math.Round(20 / (1 - (i + 0.5) / 100 * (1 - 20.0 / 2000)))).OrderDescending()];
        HashRing abc = HashRing.Build(["a", "b", "c"]), abcd = HashRing.Build(["a", "b", "c", "d"]), acd = HashRing.Build(["a", "c", "d"]);
        for (var port = 20_000; port < 32_000; port += 197)
        {
            var address = "127.0.0.1:" + port;
            var fleet = LumpyFleet.Sizes(address, ["a", "b", "c"], sizes);
            var measured = TargetWeights.Create(1, Enumerable.Range(0, fleet.Length).Select(t => KeyValuePair.Create(
                TargetKey.Compute(LabelSet.From(("__address__", address), ("__metrics_path__", $"/t/{t}"), ("target", t.ToString()))),
                WeightBuckets.Quantize(fleet[t]))));
            long version = 1;

            var settled = Settle(TargetWeights.Empty, measured, abc, ref version);
            var joined = Settle(settled, measured, abcd, ref version);
            var left = Settle(joined, measured, acd, ref version);

            var join = MovedShare(BoundedLoadPlacement.Place(abc, settled), BoundedLoadPlacement.Place(abcd, joined), measured) * 4;
            var leave = MovedShare(BoundedLoadPlacement.Place(abcd, joined), BoundedLoadPlacement.Place(acd, left), measured) * 4;
            Assert.True(join <= 1.2, $"port {port}: the join moved {join:F2}× its share");
            Assert.True(leave <= 1.2, $"port {port}: the leave moved {leave:F2}× its share");
            foreach (var (ring, table) in new[] { (abc, settled), (abcd, joined), (acd, left) })
            {
                var mean = measured.Weights.ToArray().Sum() / (double)ring.Nodes.Count;
                var peak = RebalanceGate.Peak(BoundedLoadPlacement.Place(ring, table), measured);
                Assert.True(peak <= mean * 1.10 + 1, $"port {port}, {ring.Nodes.Count} nodes: peak/mean {peak / mean:F4}");
            }
        }
    }

    /// <summary>The table in force once the gate publishes nothing more on this ring.</summary>
    private static TargetWeights Settle(TargetWeights published, TargetWeights measured, HashRing ring, ref long version)
    {
        for (var decision = 0; decision < 5; decision++)
        {
            if (RebalanceGate.Decide(published, measured, ring, TimeSpan.FromMinutes(1), ++version, Options) is not { } next)
            {
                return published;
            }
            published = next;
        }
        throw new InvalidOperationException("the gate kept publishing tables");
    }

    private static double MovedShare(Assignment before, Assignment after, TargetWeights weights)
    {
        double moved = 0, total = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            total += weights.Weights[i];
            if (before.Owner(weights.Keys[i]) != after.Owner(weights.Keys[i]))
            {
                moved += weights.Weights[i];
            }
        }
        return moved / total;
    }
}
