using System.Text;

namespace AlloyOrleans.Grains.Ring;

/// <summary>
/// The fraction of the 64-bit key space each node of a ring owns. A key belongs to the node of the first token at
/// or after it (wrapping), so each token owns the gap back to the previous token; a node's share is the sum of its
/// gaps over 2^64. Operators read it as "how balanced is the ring", independent of the targets that happen to exist.
/// </summary>
public static class RingShare
{
    private const double KeySpace = 18446744073709551616.0; // 2^64

    /// <summary>Each node's share of the ring built over <paramref name="nodes"/>; the shares sum to 1.</summary>
    public static IReadOnlyDictionary<string, double> Of(IEnumerable<string> nodes)
    {
        var names = nodes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var tokens = new (ulong Token, int Node)[names.Length * RingTokens.PerNode];
        Span<ulong> nodeTokens = stackalloc ulong[RingTokens.PerNode];
        for (var node = 0; node < names.Length; node++)
        {
            RingTokens.Generate(Encoding.UTF8.GetBytes(names[node]), nodeTokens);
            for (var t = 0; t < nodeTokens.Length; t++)
            {
                tokens[node * RingTokens.PerNode + t] = (nodeTokens[t], node);
            }
        }
        var shares = FromTokens(tokens, names.Length);
        var result = new Dictionary<string, double>(names.Length, StringComparer.Ordinal);
        for (var node = 0; node < names.Length; node++)
        {
            result[names[node]] = shares[node];
        }
        return result;
    }

    /// <summary>
    /// Shares from tokens tagged with node indexes, where a smaller index means a smaller name (it wins equal
    /// tokens). The span is sorted in place.
    /// </summary>
    public static double[] FromTokens(Span<(ulong Token, int Node)> tokens, int nodeCount)
    {
        var shares = new double[nodeCount];
        if (tokens.IsEmpty)
        {
            return shares;
        }
        tokens.Sort(static (a, b) => a.Token != b.Token ? a.Token.CompareTo(b.Token) : a.Node.CompareTo(b.Node));
        if (tokens[0].Token == tokens[^1].Token)
        {
            shares[tokens[0].Node] = 1; // one distinct token: its node owns every key
            return shares;
        }
        for (var i = 0; i < tokens.Length; i++)
        {
            // Unsigned subtraction wraps, which is exactly the gap across zero for the first token; an equal
            // token gives a gap of zero, so the node sorted first keeps the range.
            var previous = tokens[i == 0 ? tokens.Length - 1 : i - 1].Token;
            shares[tokens[i].Node] += unchecked(tokens[i].Token - previous) / KeySpace;
        }
        return shares;
    }
}
