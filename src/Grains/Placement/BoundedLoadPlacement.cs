using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Grains.Placement;

/// <summary>
/// Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam), weighted: targets are placed heaviest
/// first, each on the first node along its key's ring walk that stays within the capacity (1 + ε) × fair share.
/// A target heavier than that capacity gets a node of its own (the first empty node of its walk), and the fair share
/// of the rest is recomputed without it, so one outsized target does not inflate everybody's bound.
/// </summary>
/// <remarks>
/// Pure and deterministic: the same ring and table give the same assignment on every silo (integer arithmetic, ties
/// broken by key and by ring index). A greedy pass alone is a chaotic function of the ring — one node more shifts
/// every capacity and cascades overflow, moving several times the ideal share — so a published table is anchored:
/// a target first tries the node it was placed on when the table was published, or, if its ring owner joined since,
/// that newcomer (the plain ring's own move). Only targets whose anchor left, or that no longer fit, walk the ring.
/// A join then moves about what the ring moves to the joiner, and a leave only the leaver's targets.
/// </remarks>
public static class BoundedLoadPlacement
{
    private const int PerMille = 1000;

    public static Assignment Place(HashRing ring, TargetWeights weights, PlacementOptions? options = null)
    {
        options ??= PlacementOptions.Default;
        var nodeCount = ring.Nodes.Count;
        if (nodeCount == 0 || weights.Count == 0)
        {
            return Assignment.PlainRing(ring, weights.Version);
        }

        var keys = weights.Keys;
        var order = new Ranked[keys.Length];
        long total = 0;
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = new Ranked(weights.Weights[i], keys[i], i);
            total += weights.Weights[i];
        }
        Array.Sort(order);

        var (dedicated, capacity) = Capacity(order, total, nodeCount, PerMille + options.ToleranceMilli);
        var (_, stickyCapacity) = Capacity(order, total, nodeCount, PerMille + options.ToleranceMilli + options.StickySlackMilli);
        var loads = new long[nodeCount];
        var targets = new int[nodeCount];
        var owners = new ushort[order.Length];
        // Pass 1 settles the targets that fit where the table anchors them; only then does pass 2 walk the ring for the
        // rest, so a wandering target never displaces a settled one (which would cascade into further moves).
        var anchors = AnchorMap.Of(ring, weights);
        var deferred = new List<int>();
        for (var r = 0; r < order.Length; r++)
        {
            var (weight, key, index) = (order[r].Weight, order[r].Key, order[r].Index);
            // An outsized target looks for an empty node (load + weight <= weight); the rest for room under the capacity.
            var limit = r < dedicated ? weight : stickyCapacity;
            var node = anchors.Preferred(ring, weights, key, index, loads, weight, limit);
            if (node < 0)
            {
                deferred.Add(r);
                continue;
            }
            Take(node, r);
        }
        var walk = new RingWalk(ring);
        foreach (var r in deferred)
        {
            var weight = order[r].Weight;
            var node = walk.FirstFitting(order[r].Key, loads, weight, r < dedicated ? weight : capacity);
            Take(node < 0 ? LeastLoaded(loads) : node, r);
        }

        void Take(int node, int rank)
        {
            loads[node] += order[rank].Weight;
            targets[node]++;
            owners[order[rank].Index] = (ushort)node;
        }

        return new Assignment(ring, weights.Version, keys.ToArray(), owners, loads, targets);
    }

    /// <summary>The anchor ring's nodes by ring index (-1: gone), and which ring nodes were in the anchor ring.</summary>
    private sealed record AnchorMap(int[] ToRing, bool[] WasInAnchorRing)
    {
        public static AnchorMap Of(HashRing ring, TargetWeights weights)
        {
            var ringIndex = new Dictionary<string, int>(ring.Nodes.Count, StringComparer.Ordinal);
            for (var i = 0; i < ring.Nodes.Count; i++)
            {
                ringIndex[ring.Nodes[i]] = i;
            }
            var toRing = new int[weights.AnchorNodes.Count];
            var wasThere = new bool[ring.Nodes.Count];
            for (var a = 0; a < toRing.Length; a++)
            {
                toRing[a] = ringIndex.GetValueOrDefault(weights.AnchorNodes[a], -1);
                if (toRing[a] >= 0)
                {
                    wasThere[toRing[a]] = true;
                }
            }
            return new AnchorMap(toRing, wasThere);
        }

        /// <summary>
        /// Where an anchored target settles in pass 1: its ring owner if that node joined after the table was
        /// published (the plain ring's own move), else its anchor if still in the ring — whichever first has room
        /// under <paramref name="limit"/>; -1 when neither does or the table has no anchors.
        /// </summary>
        public int Preferred(HashRing ring, TargetWeights weights, ulong key, int index, long[] loads, long weight, long limit)
        {
            if (!weights.HasAnchors)
            {
                return -1;
            }
            var ringOwner = ring.OwnerIndex(key);
            if (!WasInAnchorRing[ringOwner] && loads[ringOwner] + weight <= limit)
            {
                return ringOwner;
            }
            var anchor = weights.AnchorOf(index);
            var node = anchor == TargetWeights.NoAnchor ? -1 : ToRing[anchor];
            return node >= 0 && loads[node] + weight <= limit ? node : -1;
        }
    }

    /// <summary>
    /// How many of the heaviest targets need a node of their own, and the capacity of a node for the others: each
    /// heaviest target above (1 + ε) × the fair share of what is left takes a node out of the sharing.
    /// </summary>
    private static (int Dedicated, long Capacity) Capacity(Ranked[] order, long total, int nodeCount, long tolerance)
    {
        long remaining = total;
        var nodesLeft = nodeCount;
        var dedicated = 0;
        while (dedicated < order.Length && nodesLeft > 1 &&
               (Int128)order[dedicated].Weight * PerMille * nodesLeft > (Int128)tolerance * remaining)
        {
            remaining -= order[dedicated].Weight;
            nodesLeft--;
            dedicated++;
        }
        var divisor = (Int128)PerMille * nodesLeft;
        var capacity = ((Int128)tolerance * remaining + divisor - 1) / divisor;
        return (dedicated, (long)capacity);
    }

    private static int LeastLoaded(long[] loads)
    {
        var best = 0;
        for (var node = 1; node < loads.Length; node++)
        {
            if (loads[node] < loads[best])
            {
                best = node;
            }
        }
        return best;
    }

    /// <summary>Heaviest first; equal weights by key, so the order is the same on every silo.</summary>
    private readonly record struct Ranked(long Weight, ulong Key, int Index) : IComparable<Ranked>
    {
        public int CompareTo(Ranked other)
        {
            var byWeight = other.Weight.CompareTo(Weight);
            return byWeight != 0 ? byWeight : Key.CompareTo(other.Key);
        }
    }
}
