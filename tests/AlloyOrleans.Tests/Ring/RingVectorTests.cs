using AlloyOrleans.Grains.Ring;
using Xunit;

namespace AlloyOrleans.Tests.Ring;

/// <summary>Bit-compatibility with Alloy: every golden vector from ckit's ring must come out the same here.</summary>
public class RingVectorTests
{
    [Fact]
    public void Tokens_per_node_match_alloy()
    {
        Assert.Equal(RingTokens.PerNode, CkitRingVectors.TokensPerNode);
    }

    [Fact]
    public void Every_node_token_vector_matches()
    {
        var vectors = CkitRingVectors.NodeTokens().ToList();
        Assert.NotEmpty(vectors);
        foreach (var (node, first, last) in vectors)
        {
            var tokens = new ulong[RingTokens.PerNode];
            RingTokens.Generate(System.Text.Encoding.UTF8.GetBytes(node), tokens);
            Assert.Equal(first, tokens[..first.Length]);
            Assert.Equal(last, tokens[^1]);
        }
    }

    [Fact]
    public void Every_target_key_vector_matches()
    {
        var vectors = CkitRingVectors.TargetKeys().ToList();
        Assert.NotEmpty(vectors);
        foreach (var (labels, key) in vectors)
        {
            Assert.True(key == TargetKey.Compute(labels), $"key of {labels}: expected {key:x16}, got {TargetKey.Compute(labels):x16}");
        }
    }

    [Fact]
    public void Every_owner_vector_matches()
    {
        var vectors = CkitRingVectors.Owners().ToList();
        Assert.NotEmpty(vectors);
        foreach (var (nodes, labels, owner) in vectors)
        {
            var ring = HashRing.Build(nodes);
            Assert.True(owner == ring.Owner(labels), $"owner of {labels} among [{string.Join(", ", nodes)}]: expected {owner}, got {ring.Owner(labels)}");
        }
    }
}
