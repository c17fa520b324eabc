using AlloyOrleans.Grains.Ring;
using Xunit;

namespace AlloyOrleans.Tests.Ring;

/// <summary>The ring share shown on the clustering page: each node's fraction of the key space.</summary>
public sealed class RingShareTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(10)]
    public void Shares_of_all_nodes_sum_to_the_whole_key_space(int nodes)
    {
        var shares = RingShare.Of(Enumerable.Range(0, nodes).Select(i => "node-" + i));
        Assert.Equal(nodes, shares.Count);
        Assert.Equal(1.0, shares.Values.Sum(), 9);
        Assert.All(shares.Values, share => Assert.InRange(share, 0.0, 1.0));
    }

    [Fact]
    public void Shares_agree_with_the_owners_the_ring_gives_to_evenly_spread_keys()
    {
        var names = new[] { "alpha", "bravo", "charlie", "delta", "echo" };
        var ring = HashRing.Build(names);
        const int Keys = 1 << 18;
        var owned = names.ToDictionary(n => n, _ => 0);
        for (ulong i = 0; i < Keys; i++)
        {
            owned[ring.Owner((i << 46) + 0x1234_5678_9abc)!]++;
        }

        var shares = RingShare.Of(names);
        foreach (var name in names)
        {
            // 2^18 keys resolve shares to well under a tenth of a percent.
            Assert.Equal(shares[name], owned[name] / (double)Keys, 3);
        }
    }

    [Fact]
    public void An_equal_token_leaves_the_range_to_the_node_that_sorts_first()
    {
        var shares = RingShare.FromTokens([20, 10, 10, 10], [0, 1, 0, 1], nodeCount: 2);
        Assert.Equal(1.0, shares[0]);
        Assert.Equal(0.0, shares[1]);
    }

    [Fact]
    public void The_first_token_owns_the_gap_that_wraps_past_zero()
    {
        const ulong Quarter = 1UL << 62;
        var shares = RingShare.FromTokens([2 * Quarter, Quarter], [1, 0], nodeCount: 2);
        Assert.Equal(0.75, shares[0]); // keys above 1/2 wrap round to the token at 1/4
        Assert.Equal(0.25, shares[1]);
    }
}
