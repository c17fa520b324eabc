using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Silo.Http;

/// <summary>
/// The ring as the clustering page draws it: the key space cut into equal sectors, each given to the node that owns
/// its middle key, with neighbouring sectors of one node merged into an arc. 512 tokens per node are far more than a
/// drawing can show; 360 sectors keep the picture true to each node's share within a fraction of a percent.
/// </summary>
public static class RingArcs
{
    public const int Sectors = 360;

    public static IReadOnlyList<RingArc> Of(HashRing ring)
    {
        if (ring.IsEmpty)
        {
            return [];
        }
        var arcs = new List<RingArc>();
        var step = ulong.MaxValue / Sectors;
        for (var sector = 0; sector < Sectors; sector++)
        {
            var owner = ring.Owner(step * (ulong)sector + step / 2)!;
            if (arcs.Count > 0 && arcs[^1].Node == owner)
            {
                arcs[^1] = arcs[^1] with { End = (sector + 1) / (double)Sectors };
            }
            else
            {
                arcs.Add(new RingArc(owner, sector / (double)Sectors, (sector + 1) / (double)Sectors));
            }
        }
        return arcs;
    }
}

/// <summary>A stretch of the key space, as fractions of it from 0 to 1, owned by <paramref name="Node"/>.</summary>
public sealed record RingArc(string Node, double Start, double End);
