using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Silo.Http;

/// <summary>
/// The ring as the clustering page draws it. 512 tokens per node are far more arcs than a drawing can show, so the key
/// space is cut into 360 sectors and each sector is split among the (at most four) nodes that own most of it, in
/// proportion to what they own there. With up to four nodes every node's arcs add up to its exact ring share; with
/// more, the small slivers go to the sector's larger owners, which a drawing could not show anyway.
/// </summary>
public static class RingArcs
{
    public const int Sectors = 360;

    private const int OwnersPerSector = 4;

    private const double KeySpace = 18446744073709551616.0; // 2^64

    public static IReadOnlyList<RingArc> Of(HashRing ring)
    {
        if (ring.IsEmpty)
        {
            return [];
        }
        var coverage = Coverage(ring);
        var arcs = new List<RingArc>();
        for (var sector = 0; sector < Sectors; sector++)
        {
            var owners = coverage[sector].OrderByDescending(c => c.Value).ThenBy(c => c.Key).Take(OwnersPerSector).OrderBy(c => c.Key).ToArray();
            var total = owners.Sum(c => c.Value);
            var at = sector / (double)Sectors;
            foreach (var (node, length) in owners)
            {
                var end = at + length / total / Sectors;
                var name = ring.Nodes[node];
                if (arcs.Count > 0 && arcs[^1].Node == name)
                {
                    arcs[^1] = arcs[^1] with { End = end };
                }
                else
                {
                    arcs.Add(new RingArc(name, at, end));
                }
                at = end;
            }
        }
        arcs[^1] = arcs[^1] with { End = 1 };
        return arcs;
    }

    /// <summary>How much of each sector each node owns: a key belongs to the node of the first token at or after it.</summary>
    private static Dictionary<int, double>[] Coverage(HashRing ring)
    {
        var coverage = Enumerable.Range(0, Sectors).Select(_ => new Dictionary<int, double>()).ToArray();
        void Add(double from, double to, int node)
        {
            while (from < to)
            {
                var sector = (int)(from * Sectors);
                if ((sector + 1) / (double)Sectors <= from)
                {
                    sector++; // from * Sectors rounded down across a sector boundary
                }
                sector = Math.Min(Sectors - 1, sector);
                var sectorEnd = sector == Sectors - 1 ? to : Math.Min(to, (sector + 1) / (double)Sectors);
                coverage[sector][node] = coverage[sector].GetValueOrDefault(node) + (sectorEnd - from);
                from = sectorEnd;
            }
        }
        var previous = 0.0;
        for (var i = 0; i < ring.TokenCount; i++)
        {
            var position = ring.TokenAt(i) / KeySpace;
            Add(previous, position, ring.OwnerIndexAt(i));
            previous = position;
        }
        Add(previous, 1, ring.OwnerIndexAt(0)); // past the last token wraps to the first
        return coverage;
    }
}

/// <summary>A stretch of the key space, as fractions of it from 0 to 1, owned by <paramref name="Node"/>.</summary>
public sealed record RingArc(string Node, double Start, double End);
