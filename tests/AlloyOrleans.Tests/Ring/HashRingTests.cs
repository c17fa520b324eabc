using AlloyOrleans.Grains.Ring;
using Xunit;

namespace AlloyOrleans.Tests.Ring;

public class HashRingTests
{
    private static string[] Nodes(int count) => Enumerable.Range(0, count).Select(i => $"node-{i}").ToArray();

    private static ulong[] RandomKeys(int count, int seed)
    {
        var random = new Random(seed);
        var keys = new ulong[count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
        }
        return keys;
    }

    [Fact]
    public void Ten_nodes_each_get_a_fair_share_within_ten_percent()
    {
        var ring = HashRing.Build(Nodes(10));
        var keys = RandomKeys(100_000, seed: 7);
        var counts = new int[ring.Nodes.Count];
        foreach (var key in keys)
        {
            counts[ring.OwnerIndex(key)]++;
        }

        var fair = keys.Length / (double)ring.Nodes.Count;
        for (var i = 0; i < counts.Length; i++)
        {
            Assert.True(Math.Abs(counts[i] - fair) <= 0.10 * fair, $"{ring.Nodes[i]} owns {counts[i]} keys; a fair share is {fair}");
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(50)]
    public void A_join_moves_keys_only_to_the_new_node_and_about_one_in_n_plus_one(int nodes)
    {
        var before = HashRing.Build(Nodes(nodes));
        var after = HashRing.Build(Nodes(nodes + 1));
        var joiner = $"node-{nodes}";
        var keys = RandomKeys(100_000, seed: nodes);

        var moved = 0;
        foreach (var key in keys)
        {
            var old = before.Owner(key);
            var now = after.Owner(key);
            if (old != now)
            {
                Assert.Equal(joiner, now);
                moved++;
            }
        }

        var expected = 1.0 / (nodes + 1);
        var fraction = moved / (double)keys.Length;
        Assert.InRange(fraction, expected * 0.8, expected * 1.2);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(50)]
    public void A_leave_moves_exactly_the_leavers_keys(int nodes)
    {
        var names = Nodes(nodes);
        var leaver = names[nodes / 2];
        var before = HashRing.Build(names);
        var after = HashRing.Build(names.Where(n => n != leaver));

        var leaverKeys = 0;
        foreach (var key in RandomKeys(100_000, seed: 100 + nodes))
        {
            var old = before.Owner(key);
            var now = after.Owner(key);
            if (old == leaver)
            {
                leaverKeys++;
                Assert.NotEqual(leaver, now);
            }
            else
            {
                Assert.Equal(old, now);
            }
        }
        Assert.True(leaverKeys > 0);
    }

    [Fact]
    public void Node_order_and_duplicates_do_not_change_the_ring()
    {
        var forward = HashRing.Build(["alloy-0", "silo-a", "node-1", "b"]);
        var shuffled = HashRing.Build(["node-1", "b", "alloy-0", "silo-a", "b", "node-1"]);

        Assert.Equal(forward.Nodes, shuffled.Nodes);
        foreach (var key in RandomKeys(10_000, seed: 3))
        {
            Assert.Equal(forward.Owner(key), shuffled.Owner(key));
        }
    }

    [Fact]
    public void Equal_tokens_go_to_the_node_whose_name_sorts_first()
    {
        // Real names never collide in practice, so hand both nodes the same tokens, larger name listed first.
        ulong[] shared = [100, 200, 300];
        var ring = HashRing.FromNodeTokens([("node-b", shared), ("node-a", shared)]);

        Assert.Equal("node-a", ring.Owner(150));
        Assert.Equal("node-a", ring.Owner(300));
        Assert.Equal("node-a", ring.Owner(301)); // wraps to the first token
    }

    [Fact]
    public void Owner_is_the_node_of_the_first_token_at_or_after_the_key_wrapping_at_the_end()
    {
        var ring = HashRing.FromNodeTokens([("low", [10UL, 1000UL]), ("mid", [500UL, 700UL]), ("top", [ulong.MaxValue - 1, 5000UL])]);

        Assert.Equal("low", ring.Owner(0));
        Assert.Equal("low", ring.Owner(10));
        Assert.Equal("mid", ring.Owner(11));
        Assert.Equal("mid", ring.Owner(500));
        Assert.Equal("mid", ring.Owner(501));
        Assert.Equal("low", ring.Owner(701));
        Assert.Equal("top", ring.Owner(1001));
        Assert.Equal("top", ring.Owner(5001));
        Assert.Equal("low", ring.Owner(ulong.MaxValue));
    }

    /// <summary>Every token with its node, by token and then name (ordinal): the ring by definition.</summary>
    private static (ulong Token, string Name)[] AllTokens(IEnumerable<(string Name, ulong[] Tokens)> perNode) =>
        perNode.SelectMany(n => n.Tokens.Select(token => (Token: token, n.Name)))
            .OrderBy(t => t.Token).ThenBy(t => t.Name, StringComparer.Ordinal).ToArray();

    /// <summary>The owner by definition: the first token >= key, wrapping.</summary>
    private static string NaiveOwner((ulong Token, string Name)[] all, ulong key) => all.FirstOrDefault(t => t.Token >= key, all[0]).Name;

    [Fact]
    public void Lookups_agree_with_a_plain_scan_of_every_token()
    {
        var perNode = Enumerable.Range(0, 37).Select(i => $"silo-{i}").Select(name =>
        {
            var tokens = new ulong[RingTokens.PerNode];
            RingTokens.Generate(System.Text.Encoding.UTF8.GetBytes(name), tokens);
            return (Name: name, Tokens: tokens);
        }).ToArray();
        var ring = HashRing.Build(perNode.Select(n => n.Name));
        var all = AllTokens(perNode);
        var sorted = all.Select(t => t.Token).ToArray();

        var keys = RandomKeys(5_000, seed: 11).Concat([0UL, ulong.MaxValue, sorted[0], sorted[^1], sorted[^1] + 1])
            .Concat(sorted.Where((_, i) => i % 37 == 0)).Concat(sorted.Where((_, i) => i % 37 == 0).Select(t => t - 1));
        foreach (var key in keys)
        {
            Assert.Equal(NaiveOwner(all, key), ring.Owner(key));
        }
    }

    [Fact]
    public void A_crowded_bucket_with_equal_tokens_still_orders_ties_by_name()
    {
        // Thousands of tokens packed into a tiny range, many shared between nodes: one bucket holds them all.
        var random = new Random(13);
        var perNode = new[] { "node-c", "node-a", "node-d", "node-b" }
            .Select(name => (Name: name, Tokens: Enumerable.Range(0, 1000).Select(_ => (ulong)random.Next(3000)).ToArray()))
            .ToArray();
        var ring = HashRing.FromNodeTokens(perNode);
        var all = AllTokens(perNode);

        for (ulong key = 0; key < 3005; key++)
        {
            Assert.Equal(NaiveOwner(all, key), ring.Owner(key));
        }
    }

    [Fact]
    public void Names_are_ordered_by_utf8_bytes_as_in_go()
    {
        // U+FF21 sorts after U+1F600 in UTF-8 (EF.. < F0..) but before it in UTF-16 code units (FF21 > D83D).
        var ring = HashRing.FromNodeTokens([("\uFF21", [5UL]), ("\U0001F600", [5UL])]);

        Assert.Equal(["\uFF21", "\U0001F600"], ring.Nodes);
        Assert.Equal("\uFF21", ring.Owner(1));
    }

    [Fact]
    public void An_empty_ring_owns_nothing()
    {
        var ring = HashRing.Build([]);

        Assert.True(ring.IsEmpty);
        Assert.Same(HashRing.Empty, ring);
        Assert.Equal(-1, ring.OwnerIndex(42));
        Assert.Null(ring.Owner(42));
    }

    [Fact]
    public void A_single_node_owns_every_key()
    {
        var ring = HashRing.Build(["only"]);
        foreach (var key in RandomKeys(1_000, seed: 5))
        {
            Assert.Equal("only", ring.Owner(key));
        }
    }

    [Fact]
    public void Lookups_allocate_nothing()
    {
        var ring = HashRing.Build(Nodes(100));
        var keys = RandomKeys(1_000, seed: 9);
        var sink = 0;
        foreach (var key in keys)
        {
            sink += ring.Owner(key)!.Length;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var key in keys)
        {
            sink += ring.Owner(key)!.Length;
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sink > 0);
    }

    [Fact]
    public void A_thousand_node_ring_stays_under_six_megabytes()
    {
        var ring = HashRing.Build(Nodes(1_000));
        Assert.True(ring.ArrayBytes <= 6_000_000, $"{ring.ArrayBytes} bytes");
    }
}
