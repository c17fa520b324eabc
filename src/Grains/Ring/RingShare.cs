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
        var tokens = new ulong[names.Length * RingTokens.PerNode];
        var owners = new int[tokens.Length];
        for (var node = 0; node < names.Length; node++)
        {
            RingTokens.Generate(Encoding.UTF8.GetBytes(names[node]), tokens.AsSpan(node * RingTokens.PerNode, RingTokens.PerNode));
            owners.AsSpan(node * RingTokens.PerNode, RingTokens.PerNode).Fill(node);
        }
        var shares = FromTokens(tokens, owners, names.Length);
        var result = new Dictionary<string, double>(names.Length, StringComparer.Ordinal);
        for (var node = 0; node < names.Length; node++)
        {
            result[names[node]] = shares[node];
        }
        return result;
    }

    /// <summary>
    /// Shares from tokens and the index of the node holding each, where a smaller index means a smaller name (it wins
    /// equal tokens). Both arrays are sorted in place, by token.
    /// </summary>
    public static double[] FromTokens(ulong[] tokens, int[] owners, int nodeCount)
    {
        var shares = new double[nodeCount];
        if (tokens.Length == 0)
        {
            return shares;
        }
        // A primitive key sort is several times faster than sorting tuples with a comparison; it is not stable, so
        // runs of equal tokens (practically never seen) are put back in node order afterwards.
        Array.Sort(tokens, owners);
        for (var start = 0; start < tokens.Length;)
        {
            var end = start + 1;
            while (end < tokens.Length && tokens[end] == tokens[start])
            {
                end++;
            }
            if (end - start > 1)
            {
                owners.AsSpan(start, end - start).Sort();
            }
            start = end;
        }
        if (tokens[0] == tokens[^1])
        {
            shares[owners[0]] = 1; // one distinct token: its node owns every key
            return shares;
        }
        for (var i = 0; i < tokens.Length; i++)
        {
            // Unsigned subtraction wraps, which is exactly the gap across zero for the first token; an equal
            // token gives a gap of zero, so the node sorted first keeps the range.
            var previous = tokens[i == 0 ? tokens.Length - 1 : i - 1];
            shares[owners[i]] += unchecked(tokens[i] - previous) / KeySpace;
        }
        return shares;
    }
}
