using AlloyOrleans.Grains.Placement;
using AlloyOrleans.Grains.Ring;
using Xunit;

namespace AlloyOrleans.Tests.Placement;

public class BoundedLoadPlacementTests
{
    private static readonly PlacementOptions Options = PlacementOptions.Default;

    [Theory]
    [InlineData(3, 1)]
    [InlineData(10, 2)]
    [InlineData(37, 3)]
    public void No_node_carries_more_than_its_bound_unless_a_single_target_is_larger(int nodes, int seed)
    {
        var table = ParetoFleet.Table(1000, seed);
        var assignment = BoundedLoadPlacement.Place(HashRing.Build(ParetoFleet.Nodes(nodes)), table);

        var weights = table.Weights.ToArray().OrderDescending().ToArray();
        // The fair share of what is left once each outsized target has a node to itself.
        long remaining = weights.Sum();
        var shared = nodes;
        var outsized = 0;
        while (shared > 1 && weights[outsized] * 1000.0 > (1000 + Options.ToleranceMilli) * remaining / (double)shared)
        {
            remaining -= weights[outsized++];
            shared--;
        }
        var bound = (1000 + Options.ToleranceMilli) * remaining / (1000.0 * shared) + 1;
        var heavyNodes = 0;
        for (var node = 0; node < nodes; node++)
        {
            var load = assignment.Loads[node];
            if (load > bound)
            {
                heavyNodes++;
                Assert.Equal(1, assignment.Targets[node]); // only a lone outsized target may exceed the bound
            }
        }
        Assert.True(heavyNodes <= outsized);
        Assert.Equal(weights.Sum(), assignment.Loads.ToArray().Sum());
    }

    [Fact]
    public void An_outsized_target_gets_a_node_of_its_own()
    {
        var weights = new Dictionary<ulong, long> { [42] = 1_000_000 };
        for (ulong key = 1; key <= 300; key++)
        {
            weights[key * 0x9E3779B97F4A7C15] = 100;
        }
        var ring = HashRing.Build(ParetoFleet.Nodes(4));
        var assignment = BoundedLoadPlacement.Place(ring, TargetWeights.Create(1, weights));

        var giant = assignment.OwnerIndex(42);
        Assert.Equal(1, assignment.Targets[giant]);
        Assert.Equal(1_000_000, assignment.Loads[giant]);
        // The other three share the rest within the bound: 30,000 / 3 × 1.08.
        for (var node = 0; node < 4; node++)
        {
            if (node != giant)
            {
                Assert.InRange(assignment.Loads[node], 1, 10_800);
            }
        }
    }

    [Fact]
    public void Every_silo_computes_the_same_assignment_whatever_order_it_learned_the_inputs_in()
    {
        var table = ParetoFleet.Table(500, 7);
        var pairs = table.Keys.ToArray().Zip(table.Weights.ToArray(), KeyValuePair.Create).ToArray();
        var shuffled = TargetWeights.Create(1, pairs.Reverse());
        var nodes = ParetoFleet.Nodes(9);

        var a = BoundedLoadPlacement.Place(HashRing.Build(nodes), table);
        var b = BoundedLoadPlacement.Place(HashRing.Build(nodes.Reverse()), shuffled);

        foreach (var key in table.Keys)
        {
            Assert.Equal(a.Owner(key), b.Owner(key));
        }
    }

    [Fact]
    public void Targets_the_table_does_not_know_and_an_empty_table_follow_the_plain_ring()
    {
        var ring = HashRing.Build(ParetoFleet.Nodes(5));
        var table = ParetoFleet.Table(200, 5);
        var placed = BoundedLoadPlacement.Place(ring, table);
        var plain = BoundedLoadPlacement.Place(ring, TargetWeights.Empty);

        var random = new Random(1);
        for (var i = 0; i < 1000; i++)
        {
            var key = (ulong)random.NextInt64();
            if (!table.TryGet(key, out _))
            {
                Assert.Equal(ring.Owner(key), placed.Owner(key));
            }
            Assert.Equal(ring.Owner(key), plain.Owner(key));
        }
        Assert.Null(BoundedLoadPlacement.Place(HashRing.Empty, table).Owner(1));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(30)]
    public void A_leave_moves_only_the_leavers_targets_once_the_table_is_anchored(int nodes)
    {
        var names = ParetoFleet.Nodes(nodes);
        var table = ParetoFleet.Table(1000, nodes);
        var ring = HashRing.Build(names);
        var anchored = table.AnchoredTo(BoundedLoadPlacement.Place(ring, table), 2);
        var before = BoundedLoadPlacement.Place(ring, anchored);
        var after = BoundedLoadPlacement.Place(HashRing.Build(names[..^1]), anchored);

        foreach (var key in table.Keys)
        {
            if (before.Owner(key) != names[^1])
            {
                Assert.Equal(before.Owner(key), after.Owner(key));
            }
        }
    }

    [Fact]
    public void A_join_moves_about_the_ideal_share_of_samples_on_average()
    {
        double ratios = 0;
        var runs = 0;
        foreach (var nodes in new[] { 3, 5, 10, 20 })
        {
            for (var seed = 1; seed <= 5; seed++)
            {
                var names = ParetoFleet.Nodes(nodes);
                var table = ParetoFleet.Table(1000, seed * 100 + nodes, alpha: 1.3);
                var ring = HashRing.Build(names);
                var anchored = table.AnchoredTo(BoundedLoadPlacement.Place(ring, table), 2);
                var before = BoundedLoadPlacement.Place(ring, anchored);
                var after = BoundedLoadPlacement.Place(HashRing.Build([.. names, "joiner"]), anchored);
                double moved = 0;
                for (var i = 0; i < table.Count; i++)
                {
                    if (before.Owner(table.Keys[i]) != after.Owner(table.Keys[i]))
                    {
                        moved += table.Weights[i];
                    }
                }
                ratios += moved / table.Weights.ToArray().Sum() / (1.0 / (nodes + 1));
                runs++;
            }
        }
        Assert.InRange(ratios / runs, 0.5, 1.2);
    }

    [Fact]
    public void An_anchored_table_places_back_where_it_was_anchored()
    {
        var ring = HashRing.Build(ParetoFleet.Nodes(6));
        var table = ParetoFleet.Table(800, 11);
        var fresh = BoundedLoadPlacement.Place(ring, table);
        var again = BoundedLoadPlacement.Place(ring, table.AnchoredTo(fresh, 2));

        foreach (var key in table.Keys)
        {
            Assert.Equal(fresh.Owner(key), again.Owner(key));
        }
        Assert.Equal(2, again.WeightsVersion);
    }
}
