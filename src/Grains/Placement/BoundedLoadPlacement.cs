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
/// pass 1 keeps each target on the node it was placed on when the table was published, if that node is still there and
/// has room; pass 2 places the rest (a leaver's targets, an overloaded node's lightest) on a node that joined since, or
/// along the ring walk, making room on the emptiest node when nothing fits; pass 3 lets a joiner take the targets the
/// ring gives it up to its fair share. A join then moves about 1/(N+1) of the samples, to the joiner, and a leave only
/// the leaver's targets (and what makes room for its largest).
/// </remarks>
public static class BoundedLoadPlacement
{
    private const int PerMille = 1000;

    /// <summary>
    /// Making room scans the targets (linear), so it is done for a few targets per placement: the few large ones a
    /// leave or a lumpy fleet leaves without a place. Any further ones overflow the least loaded node, as before.
    /// </summary>
    private const int MaxRoomsMade = 64;

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
        var (_, fairShare) = Capacity(order, total, nodeCount, PerMille);
        var loads = new long[nodeCount];
        var targets = new int[nodeCount];
        var owners = new ushort[order.Length];
        var placed = new bool[order.Length];
        // Pass 1 settles the targets that fit where the table anchors them; only then does pass 2 walk the ring for the
        // rest, so a wandering target never displaces a settled one (which would cascade into further moves).
        var anchors = AnchorMap.Of(ring, weights);
        var deferred = new List<int>();
        for (var r = 0; r < order.Length; r++)
        {
            var (weight, index) = (order[r].Weight, order[r].Index);
            // An outsized target looks for an empty node (load + weight <= weight); the rest for room under the capacity.
            var limit = r < dedicated ? weight : stickyCapacity;
            var node = anchors.Preferred(weights, index, loads, weight, limit);
            if (node < 0)
            {
                deferred.Add(r);
                continue;
            }
            Take(node, r);
        }
        // Pass 2: what does not fit on its anchor goes to a node that joined since the table was anchored if one has
        // room (a joiner should take what the others shed), else along its ring walk.
        var joiners = anchors.Joiners();
        var walk = new RingWalk(ring);
        var roomsMade = 0;
        foreach (var r in deferred)
        {
            var weight = order[r].Weight;
            var limit = r < dedicated ? weight : capacity;
            var node = LeastLoadedFitting(joiners, loads, weight, limit);
            if (node < 0)
            {
                node = walk.FirstFitting(order[r].Key, loads, weight, limit);
            }
            if (node < 0 && r >= dedicated && roomsMade < MaxRoomsMade && MakeRoom(r))
            {
                continue;
            }
            Take(node < 0 ? LeastLoaded(loads) : node, r);
        }
        // Pass 3: a joiner then takes the targets the ring gives it, heaviest first, until it carries its fair share —
        // about 1/(N+1) of the samples, the plain ring's own move, and nothing moves between the other nodes.
        if (joiners.Length > 0)
        {
            for (var r = dedicated; r < order.Length; r++)
            {
                var joiner = ring.OwnerIndex(order[r].Key);
                var from = owners[order[r].Index];
                if (from != joiner && Array.IndexOf(joiners, joiner) >= 0 && loads[joiner] + order[r].Weight <= fairShare)
                {
                    loads[from] -= order[r].Weight;
                    targets[from]--;
                    Take(joiner, r);
                }
            }
        }

        void Take(int node, int rank)
        {
            loads[node] += order[rank].Weight;
            targets[node]++;
            owners[order[rank].Index] = (ushort)node;
            placed[rank] = true;
        }

        // A target that fits nowhere (lumpy fleets: after a leave, each survivor has room for less than the leaver's
        // largest target) takes the node with the most room, which sheds just enough of its lightest targets to make
        // room for it; they walk the ring like any other. Without this the target overflowed that node, and only a
        // fresh placement — moving far more than the leaver's share — could bring the peak back under the bound.
        bool MakeRoom(int rank)
        {
            var weight = order[rank].Weight;
            var node = LeastLoaded(loads);
            var need = loads[node] + weight - capacity;
            var shed = new List<int>();
            for (var q = order.Length - 1; q >= dedicated && need > 0; q--)
            {
                if (placed[q] && owners[order[q].Index] == node && order[q].Weight < weight)
                {
                    shed.Add(q);
                    need -= order[q].Weight;
                }
            }
            if (need > 0)
            {
                return false;
            }
            foreach (var q in shed)
            {
                loads[node] -= order[q].Weight;
                targets[node]--;
                placed[q] = false;
            }
            roomsMade++;
            Take(node, rank);
            foreach (var q in shed)
            {
                var to = walk.FirstFitting(order[q].Key, loads, order[q].Weight, capacity);
                Take(to < 0 ? LeastLoaded(loads) : to, q);
            }
            return true;
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

        /// <summary>Ring indexes of the nodes that joined since the table was anchored (none for a table without anchors).</summary>
        public int[] Joiners() => ToRing.Length == 0 ? [] : [.. Enumerable.Range(0, WasInAnchorRing.Length).Where(i => !WasInAnchorRing[i])];

        /// <summary>
        /// Where an anchored target settles in pass 1: its anchor, if still in the ring and with room under
        /// <paramref name="limit"/>; -1 otherwise or when the table has no anchors.
        /// </summary>
        public int Preferred(TargetWeights weights, int index, long[] loads, long weight, long limit)
        {
            if (!weights.HasAnchors)
            {
                return -1;
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

    /// <summary>The least loaded of <paramref name="nodes"/> with room for <paramref name="weight"/> under <paramref name="limit"/> (ties: lowest index), or -1.</summary>
    private static int LeastLoadedFitting(int[] nodes, long[] loads, long weight, long limit)
    {
        var best = -1;
        foreach (var node in nodes)
        {
            if (loads[node] + weight <= limit && (best < 0 || loads[node] < loads[best]))
            {
                best = node;
            }
        }
        return best;
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
