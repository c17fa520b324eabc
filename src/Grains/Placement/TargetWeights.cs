namespace AlloyOrleans.Grains.Placement;

/// <summary>
/// A versioned, immutable table of target weights (bucketed samples per scrape) keyed by ring key: the shared input
/// that, with the ring, decides load-aware placement on every silo. Keys are sorted and distinct. A table may also
/// carry anchors: the node each target was placed on when the table was published, and the nodes of that ring, so a
/// later membership change moves only what it must (see <see cref="BoundedLoadPlacement"/>).
/// </summary>
public sealed class TargetWeights
{
    /// <summary>Version 0: no table; placement is the plain ring.</summary>
    public static readonly TargetWeights Empty = new(0, [], []);

    /// <summary>An anchor meaning "none".</summary>
    public const ushort NoAnchor = ushort.MaxValue;

    private readonly ulong[] _keys;
    private readonly long[] _weights;
    private readonly ushort[] _anchors;
    private readonly string[] _anchorNodes;

    private TargetWeights(long version, ulong[] keys, long[] weights, ushort[]? anchors = null, string[]? anchorNodes = null)
    {
        Version = version;
        _keys = keys;
        _weights = weights;
        _anchorNodes = anchorNodes ?? [];
        _anchors = anchors ?? [];
    }

    public long Version { get; }

    /// <summary>The ring keys of the targets, ascending.</summary>
    public ReadOnlySpan<ulong> Keys => _keys;

    /// <summary>The weight of <see cref="Keys"/>[i] (at least 1).</summary>
    public ReadOnlySpan<long> Weights => _weights;

    public int Count => _keys.Length;

    /// <summary>Whether the table carries anchors.</summary>
    public bool HasAnchors => _anchors.Length > 0;

    /// <summary>The nodes of the ring the anchors were placed on (a node not among them joined since).</summary>
    public IReadOnlyList<string> AnchorNodes => _anchorNodes;

    /// <summary>The index in <see cref="AnchorNodes"/> of the node <see cref="Keys"/>[i] was placed on, or <see cref="NoAnchor"/>.</summary>
    public ushort AnchorOf(int index) => _anchors.Length == 0 ? NoAnchor : _anchors[index];

    /// <summary>Builds a table; a key given twice keeps its last weight, a weight below 1 counts as 1.</summary>
    public static TargetWeights Create(long version, IEnumerable<KeyValuePair<ulong, long>> weights)
    {
        var byKey = new Dictionary<ulong, long>();
        foreach (var (key, weight) in weights)
        {
            byKey[key] = Math.Max(1, weight);
        }
        var keys = byKey.Keys.ToArray();
        var values = byKey.Values.ToArray();
        Array.Sort(keys, values);
        return new TargetWeights(version, keys, values);
    }

    /// <summary>Builds a table from parallel arrays already sorted by key and distinct (a deserialized snapshot).</summary>
    public static TargetWeights FromSorted(long version, ulong[] keys, long[] weights)
    {
        if (keys.Length != weights.Length)
        {
            throw new ArgumentException("Keys and weights differ in length.", nameof(weights));
        }
        for (var i = 1; i < keys.Length; i++)
        {
            if (keys[i] <= keys[i - 1])
            {
                throw new ArgumentException("Keys must be ascending and distinct.", nameof(keys));
            }
        }
        return new TargetWeights(version, keys, [.. weights.Select(w => Math.Max(1, w))]);
    }

    public bool TryGet(ulong key, out long weight)
    {
        var at = _keys.AsSpan().BinarySearch(key);
        weight = at >= 0 ? _weights[at] : 0;
        return at >= 0;
    }

    /// <summary>The same weights under another version.</summary>
    public TargetWeights WithVersion(long version) => new(version, _keys, _weights, _anchors, _anchorNodes);

    /// <summary>The same weights, anchored where <paramref name="assignment"/> placed each target, under <paramref name="version"/>.</summary>
    public TargetWeights AnchoredTo(Assignment assignment, long version)
    {
        var nodes = assignment.Ring.Nodes.ToArray();
        var anchors = new ushort[_keys.Length];
        for (var i = 0; i < _keys.Length; i++)
        {
            var owner = assignment.OwnerIndex(_keys[i]);
            anchors[i] = owner < 0 ? NoAnchor : (ushort)owner;
        }
        return new TargetWeights(version, _keys, _weights, anchors, nodes);
    }

    /// <summary>Builds a table with anchors from parallel arrays (a deserialized snapshot); an empty anchor array means none.</summary>
    public static TargetWeights FromSorted(long version, ulong[] keys, long[] weights, ushort[] anchors, string[] anchorNodes)
    {
        var table = FromSorted(version, keys, weights);
        if (anchors.Length == 0)
        {
            return table;
        }
        if (anchors.Length != keys.Length || anchors.Any(a => a != NoAnchor && a >= anchorNodes.Length))
        {
            throw new ArgumentException("Anchors must match the keys and name a node of the anchor ring.", nameof(anchors));
        }
        return new TargetWeights(version, table._keys, table._weights, anchors, anchorNodes);
    }

    /// <summary>Whether both tables hold the same keys with the same weights (versions aside).</summary>
    public bool SameWeights(TargetWeights other) =>
        _keys.AsSpan().SequenceEqual(other._keys) && _weights.AsSpan().SequenceEqual(other._weights);

    /// <summary>The keys and weights as arrays, for a snapshot that crosses grain boundaries.</summary>
    public (ulong[] Keys, long[] Weights, ushort[] Anchors, string[] AnchorNodes) ToArrays() =>
        ([.. _keys], [.. _weights], [.. _anchors], [.. _anchorNodes]);
}
