using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Placement;
using AlloyOrleans.Grains.Ring;
using Xunit;

namespace AlloyOrleans.Tests.Placement;

public class RebalanceGateTests
{
    private static readonly PublishingOptions Options = new() { MinInterval = TimeSpan.FromMinutes(1) };
    private static readonly TimeSpan Later = TimeSpan.FromMinutes(2);

    [Fact]
    public void The_first_table_moves_only_what_relieves_the_nodes_the_plain_ring_overloads()
    {
        var ring = HashRing.Build(ParetoFleet.Nodes(10));
        var measured = ParetoFleet.Table(1000, 21, alpha: 1.5);

        var table = RebalanceGate.Decide(TargetWeights.Empty, measured, ring, Later, 5, Options);

        Assert.NotNull(table);
        Assert.Equal(5, table.Version);
        var placed = BoundedLoadPlacement.Place(ring, table);
        var peak = RebalanceGate.Peak(placed, measured);
        Assert.True(peak < RebalanceGate.Peak(Assignment.PlainRing(ring), measured) * 0.95);
        // Anchored to the plain ring: a target leaves its ring owner only if that owner carried more than its bound,
        // (1 + 8 % + 2 % sticky slack) of the fair share (no target of this fleet is outsized at 10 nodes).
        var plainLoads = new double[10];
        for (var i = 0; i < measured.Count; i++)
        {
            plainLoads[ring.OwnerIndex(measured.Keys[i])] += measured.Weights[i];
        }
        var fairShare = plainLoads.Sum() / 10;
        Assert.True(measured.Weights.ToArray().Max() < fairShare);
        var moved = 0;
        for (var i = 0; i < measured.Count; i++)
        {
            var key = measured.Keys[i];
            if (placed.Owner(key) != ring.Owner(key))
            {
                moved++;
                Assert.True(plainLoads[ring.OwnerIndex(key)] > fairShare * 1.10 - 1, $"{key:x16} left a node within its bound");
            }
        }
        Assert.True(moved > 0);
        Assert.True(peak <= fairShare * 1.10 + 1);
    }

    [Fact]
    public void Nothing_is_published_before_the_rate_limit_allows()
    {
        var ring = HashRing.Build(ParetoFleet.Nodes(10));
        Assert.Null(RebalanceGate.Decide(TargetWeights.Empty, ParetoFleet.Table(1000, 21), ring, TimeSpan.FromSeconds(30), 5, Options));
    }

    [Fact]
    public void A_table_that_would_not_clearly_lower_the_peak_is_not_published()
    {
        var ring = HashRing.Build(ParetoFleet.Nodes(10));
        var measured = ParetoFleet.Table(1000, 21);
        var published = RebalanceGate.Decide(TargetWeights.Empty, measured, ring, Later, 5, Options)!;

        // The same measurements, and measurements a few percent off, both leave the published table in force.
        Assert.Null(RebalanceGate.Decide(published, measured.WithVersion(6), ring, Later, 6, Options));
        var noisy = TargetWeights.Create(6, measured.Keys.ToArray().Select((k, i) => KeyValuePair.Create(k, (long)(measured.Weights[i] * (i % 2 == 0 ? 1.03 : 0.97)))));
        Assert.Null(RebalanceGate.Decide(published, noisy, ring, Later, 6, Options));
    }

    /// <summary>
    /// Lumpy fleets — three targets of 3,000 samples, six of 800 and 36 of 50 over three nodes, each 3,000 more than half
    /// a fair share — as the cluster tests serve them, on many target addresses. Anchored to the plain ring, a heavy
    /// target that must leave an overloaded node often finds every other node kept full by the light targets anchored
    /// there, and no table was ever published (found as "did not converge on one weights table"). Every fleet whose ring
    /// is over 1.15× the mean now gets a table, within two decisions, at most 1.10× the mean.
    /// </summary>
    [Fact]
    public void A_lumpy_fleet_the_ring_overloads_always_gets_a_table_within_the_bound()
    {
        var ring = HashRing.Build(["Primary", "Secondary_1", "Secondary_2"]);
        var stuckWhenAnchored = 0;
        for (var port = 20_000; port < 32_000; port += 41)
        {
            var measured = LumpyFleet("127.0.0.1:" + port);
            var mean = measured.Weights.ToArray().Sum() / 3.0;
            var plainPeak = RebalanceGate.Peak(Assignment.PlainRing(ring), measured);
            var anchoredOnly = BoundedLoadPlacement.Place(ring, measured.AnchoredTo(Assignment.PlainRing(ring), 2));
            if (RebalanceGate.Peak(anchoredOnly, measured) > plainPeak * 0.95 && plainPeak > mean * 1.15)
            {
                stuckWhenAnchored++;
            }

            var published = TargetWeights.Empty;
            for (var version = 2; version < 5 && RebalanceGate.Decide(published, measured, ring, Later, version, Options) is { } next; version++)
            {
                Assert.True(version < 4, $"port {port}: a third table was published");
                published = next;
            }
            var peak = RebalanceGate.Peak(BoundedLoadPlacement.Place(ring, published), measured);
            Assert.True(plainPeak <= mean * 1.15 || peak <= mean * 1.10, $"port {port}: ring {plainPeak / mean:F3}, balanced {peak / mean:F3}");
        }
        Assert.True(stuckWhenAnchored >= 3, $"only {stuckWhenAnchored} fleets where anchoring alone is stuck: the test lost its point");
    }

    /// <summary>
    /// A join, then a leave, with no table in between that lowers the peak: found by the process test, where the leave
    /// moved 1.4× its share. The table was still anchored to the ring before the join, so the joiner — "joined since" —
    /// pulled every target the ring gives it as soon as the leave made room. The gate now re-anchors the table to the
    /// new ring, which moves nothing, and the leave then moves only the leaver's targets.
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(10)]
    public void After_a_join_the_table_is_re_anchored_without_a_move_and_a_later_leave_moves_only_the_leavers_targets(int nodes)
    {
        var names = ParetoFleet.Nodes(nodes);
        var measured = ParetoFleet.Table(300, nodes, alpha: 1.3);
        var published = RebalanceGate.Decide(TargetWeights.Empty, measured, HashRing.Build(names), Later, 2, Options)
            ?? measured.AnchoredTo(BoundedLoadPlacement.Place(HashRing.Build(names), measured), 2);
        var joined = HashRing.Build([.. names, "joiner"]);
        var staleOnJoined = BoundedLoadPlacement.Place(joined, published);

        var next = RebalanceGate.Decide(published, measured, joined, Later, 3, Options);

        Assert.NotNull(next);
        Assert.Equal(joined.Nodes.Order(), next.AnchorNodes.Order());
        var onJoined = BoundedLoadPlacement.Place(joined, next);
        if (next.SameWeights(published) && RebalanceGate.Peak(onJoined, measured) == RebalanceGate.Peak(staleOnJoined, measured))
        {
            Assert.All(measured.Keys.ToArray(), key => Assert.Equal(staleOnJoined.Owner(key), onJoined.Owner(key)));
        }
        var leaver = names[0];
        var afterLeave = BoundedLoadPlacement.Place(HashRing.Build([.. names[1..], "joiner"]), next);
        Assert.All(measured.Keys.ToArray().Where(key => onJoined.Owner(key) != leaver), key => Assert.Equal(onJoined.Owner(key), afterLeave.Owner(key)));
    }

    private static TargetWeights LumpyFleet(string address) => TargetWeights.Create(1, Enumerable.Range(0, 45).Select(t => KeyValuePair.Create(
        TargetKey.Compute(LabelSet.From(("__address__", address), ("__metrics_path__", $"/t/{t}"), ("target", t.ToString()))),
        WeightBuckets.Quantize(t < 3 ? 3000 : t < 9 ? 800 : 50))));

    [Fact]
    public void Noise_in_the_measurements_changes_no_weight_in_the_ledger()
    {
        var ledger = new TargetWeightsLedger(Options);
        var random = new Random(3);
        for (var scrape = 0; scrape < 50; scrape++)
        {
            ledger.Observe(1, 1000 * (0.97 + 0.06 * random.NextDouble()), scrape * 1000);
            ledger.Observe(2, 40_000 * (0.97 + 0.06 * random.NextDouble()), scrape * 1000);
            if (scrape == 10)
            {
                var first = ledger.Candidate(1, scrape * 1000);
                Assert.True(first.TryGet(1, out _));
            }
        }
        var early = ledger.Candidate(1, 11_000);
        var late = ledger.Candidate(2, 50_000);
        Assert.True(early.SameWeights(late));
    }

    [Fact]
    public void The_ledger_forgets_targets_nobody_reports()
    {
        var ledger = new TargetWeightsLedger(new PublishingOptions { ForgetAfter = TimeSpan.FromMinutes(1) });
        ledger.Observe(1, 100, 0);
        ledger.Observe(2, 100, 50_000);

        var table = ledger.Candidate(1, 70_000);

        Assert.False(table.TryGet(1, out _));
        Assert.True(table.TryGet(2, out var weight));
        Assert.InRange(weight, 95, 105);
    }
}
