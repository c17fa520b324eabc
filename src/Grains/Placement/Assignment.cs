using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Grains.Placement;

/// <summary>
/// Who owns each target: the immutable result of placing a weights table on a ring. Targets the table does not know
/// (discovered since it was published) belong to their ring owner, so a target always has exactly one owner.
/// </summary>
public sealed class Assignment
{
    private readonly ulong[] _keys;
    private readonly ushort[] _owners;
    private readonly long[] _loads;
    private readonly int[] _targets;

    internal Assignment(HashRing ring, long weightsVersion, ulong[] keys, ushort[] owners, long[] loads, int[] targets)
    {
        Ring = ring;
        WeightsVersion = weightsVersion;
        _keys = keys;
        _owners = owners;
        _loads = loads;
        _targets = targets;
    }

    /// <summary>The plain ring: every target with its ring owner (no table, or a table that could not be read).</summary>
    public static Assignment PlainRing(HashRing ring, long weightsVersion = 0) =>
        new(ring, weightsVersion, [], [], new long[ring.Nodes.Count], new int[ring.Nodes.Count]);

    public HashRing Ring { get; }

    /// <summary>The version of the weights table this was placed from; 0 when there was none.</summary>
    public long WeightsVersion { get; }

    /// <summary>The weight each node of <see cref="Ring"/> carries from the table's targets (index as in <c>Ring.Nodes</c>).</summary>
    public ReadOnlySpan<long> Loads => _loads;

    /// <summary>How many of the table's targets each node carries.</summary>
    public ReadOnlySpan<int> Targets => _targets;

    /// <summary>The index in <c>Ring.Nodes</c> of the owner of <paramref name="key"/>, or -1 when the ring is empty.</summary>
    public int OwnerIndex(ulong key)
    {
        var at = _keys.AsSpan().BinarySearch(key);
        return at >= 0 ? _owners[at] : Ring.OwnerIndex(key);
    }

    /// <summary>The owner of <paramref name="key"/>, or null when the ring is empty.</summary>
    public string? Owner(ulong key)
    {
        var index = OwnerIndex(key);
        return index < 0 ? null : Ring.Nodes[index];
    }
}
