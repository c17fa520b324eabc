using System.Text;
using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Ring;

/// <summary>
/// An immutable consistent-hash ring over a set of node names, bit-compatible with Alloy's (ckit's) ring: each node
/// holds <see cref="RingTokens.PerNode"/> tokens, a key belongs to the node of the first token at or after it
/// (wrapping), and equal tokens go to the node whose name sorts first. A new membership means a new ring; readers
/// swap the reference, so lookups need no lock and allocate nothing.
/// </summary>
/// <remarks>
/// Memory is a sorted <c>ulong</c> token array plus a parallel <c>ushort</c> owner index (10 bytes per token:
/// about 5.1 MB at 1,000 nodes, where Alloy's token-and-string-header pairs take 24 bytes per token).
/// </remarks>
public sealed class HashRing
{
    /// <summary>The most nodes a ring can hold: owners are stored as 16-bit indexes.</summary>
    public const int MaxNodes = ushort.MaxValue + 1;

    /// <summary>The ring with no nodes: it owns nothing, and callers fail open (every silo keeps every target).</summary>
    public static readonly HashRing Empty = new([], [], []);

    private readonly string[] _nodes;
    private readonly ulong[] _tokens;
    private readonly ushort[] _owners;

    private HashRing(string[] nodes, ulong[] tokens, ushort[] owners)
    {
        _nodes = nodes;
        _tokens = tokens;
        _owners = owners;
    }

    /// <summary>The node names in ring order (UTF-8 byte order, as ckit compares names); no duplicates.</summary>
    public IReadOnlyList<string> Nodes => _nodes;

    public bool IsEmpty => _nodes.Length == 0;

    /// <summary>Builds the ring of <paramref name="nodes"/>; duplicate names count once and their order does not matter.</summary>
    public static HashRing Build(IEnumerable<string> nodes)
    {
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            ArgumentNullException.ThrowIfNull(node, nameof(nodes));
            distinct.Add(node);
        }
        if (distinct.Count == 0)
        {
            return Empty;
        }

        var perNode = new (string Name, ulong[] Tokens)[distinct.Count];
        var index = 0;
        foreach (var node in distinct)
        {
            perNode[index++] = (node, RingTokens.For(node));
        }
        return FromNodeTokens(perNode);
    }

    /// <summary>
    /// Builds a ring from tokens already derived for each (distinct) node. <see cref="Build"/> is the way in; this
    /// exists so tests can give two nodes the same token, which real names practically never do.
    /// </summary>
    internal static HashRing FromNodeTokens(IReadOnlyList<(string Name, ulong[] Tokens)> perNode)
    {
        if (perNode.Count > MaxNodes)
        {
            throw new ArgumentException($"A ring holds at most {MaxNodes} nodes; got {perNode.Count}.", nameof(perNode));
        }

        // Go compares strings bytewise (UTF-8); string.CompareOrdinal agrees except between surrogate pairs and
        // U+E000..U+FFFF, so sort by the UTF-8 bytes to settle ties exactly as ckit does.
        var order = new (byte[] Utf8, int Source)[perNode.Count];
        var total = 0;
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = (Encoding.UTF8.GetBytes(perNode[i].Name), i);
            total += perNode[i].Tokens.Length;
        }
        Array.Sort(order, static (a, b) => a.Utf8.AsSpan().SequenceCompareTo(b.Utf8));

        var nodes = new string[order.Length];
        var tokens = new ulong[total];
        var owners = new ushort[total];
        var at = 0;
        for (var rank = 0; rank < order.Length; rank++)
        {
            var (name, nodeTokens) = perNode[order[rank].Source];
            if (rank > 0 && order[rank].Utf8.AsSpan().SequenceEqual(order[rank - 1].Utf8))
            {
                throw new ArgumentException($"Node '{name}' appears twice.", nameof(perNode));
            }
            nodes[rank] = name;
            nodeTokens.CopyTo(tokens, at);
            owners.AsSpan(at, nodeTokens.Length).Fill((ushort)rank);
            at += nodeTokens.Length;
        }

        Array.Sort(tokens, owners);
        OrderEqualTokensByName(tokens, owners);
        return new HashRing(nodes, tokens, owners);
    }

    /// <summary>
    /// <see cref="Array.Sort{TKey, TValue}(TKey[], TValue[])"/> is not stable; within a run of equal tokens put the
    /// smaller node (lower rank) first, since a lookup lands on the first token of a run.
    /// </summary>
    private static void OrderEqualTokensByName(ulong[] tokens, ushort[] owners)
    {
        var start = 0;
        while (start < tokens.Length)
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
    }

    /// <summary>The index in <see cref="Nodes"/> of the owner of <paramref name="key"/>, or -1 when the ring is empty.</summary>
    public int OwnerIndex(ulong key)
    {
        var tokens = _tokens;
        if (tokens.Length == 0)
        {
            return -1;
        }
        // Lower bound: the first token >= key; past the end wraps to the first token.
        int lo = 0, hi = tokens.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (tokens[mid] < key)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return _owners[lo == tokens.Length ? 0 : lo];
    }

    /// <summary>The name of the node that owns <paramref name="key"/>, or null when the ring is empty.</summary>
    public string? Owner(ulong key)
    {
        var index = OwnerIndex(key);
        return index < 0 ? null : _nodes[index];
    }

    /// <summary>The name of the node that owns <paramref name="target"/>, or null when the ring is empty.</summary>
    public string? Owner(LabelSet target) => Owner(TargetKey.Compute(target));

    /// <summary>The bytes the ring's arrays hold (tokens, owner indexes, name references), for sizing.</summary>
    public long ArrayBytes => (long)_tokens.Length * sizeof(ulong) + (long)_owners.Length * sizeof(ushort) + (long)_nodes.Length * IntPtr.Size;
}
