using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Grains.Placement;

/// <summary>
/// Walks a key's successive ring owners (the owner first, then the nodes of the following tokens) looking for a node
/// with room. A walk ends once it has seen every node, which with random tokens takes about N·ln N tokens, not the
/// whole ring, so a target that fits nowhere costs little.
/// </summary>
internal sealed class RingWalk(HashRing ring)
{
    private readonly int[] _seenAt = new int[ring.Nodes.Count];
    private int _walk;

    /// <summary>The first node of the walk from <paramref name="key"/> whose load plus <paramref name="weight"/> stays within <paramref name="limit"/>, or -1.</summary>
    public int FirstFitting(ulong key, long[] loads, long weight, long limit)
    {
        var tokenCount = ring.TokenCount;
        var token = ring.TokenIndex(key);
        var node = ring.OwnerIndexAt(token);
        if (loads[node] + weight <= limit)
        {
            return node; // the common case: the ring owner has room
        }

        var walk = ++_walk;
        _seenAt[node] = walk;
        var seen = 1;
        for (var step = 1; step < tokenCount && seen < _seenAt.Length; step++)
        {
            if (++token == tokenCount)
            {
                token = 0;
            }
            node = ring.OwnerIndexAt(token);
            if (_seenAt[node] == walk)
            {
                continue;
            }
            if (loads[node] + weight <= limit)
            {
                return node;
            }
            _seenAt[node] = walk;
            seen++;
        }
        return -1;
    }
}
