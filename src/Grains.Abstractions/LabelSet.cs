using System.Collections;

namespace AlloyOrleans.Grains.Abstractions;

/// <summary>
/// An immutable set of labels sorted by name (ordinal), with unique names and no empty values.
/// This is the identity of a target and of a series; remote_write and the ring rely on the ordering.
/// </summary>
/// <remarks>
/// Held in one of two forms, equal to each other when their labels are: an array of <see cref="Label"/>s, or —
/// for the series scrape caches keep for as long as their targets live, built by <see cref="Compact"/> — the
/// 16-bit ids of shared strings (<see cref="LabelStrings"/>), name and value in turn. At node_exporter's ~5 labels
/// per series that is a 48-byte array of ids instead of a ~104-byte array of references. <see cref="Count"/>, the
/// indexer, <c>foreach</c>, equality and hashing read either form without allocating; <see cref="AsSpan"/> of a
/// compact set builds an array on every call, so paths run per sample use the indexer.
/// </remarks>
[GenerateSerializer, Immutable]
public sealed class LabelSet : IReadOnlyList<Label>, IEquatable<LabelSet>
{
    public static readonly LabelSet Empty = new(Array.Empty<Label>());

    /// <summary>A <see cref="Label"/>[] or, in the compact form, a <see cref="ushort"/>[] of name and value ids.</summary>
    [NonSerialized] private object _storage;

    /// <summary>The hash code once computed (0 = not yet): label sets key caches and maps on every scrape.</summary>
    [NonSerialized] private int _hashCode;

    /// <summary>See <see cref="SeriesRef"/>; fits the object's padding next to the hash code, so it costs no memory.</summary>
    [NonSerialized] private uint _seriesRef;

    private LabelSet(Label[] sortedUnique) => _storage = sortedUnique;

    private LabelSet(ushort[] ids) => _storage = ids;

    /// <summary>
    /// The labels on the wire between silos: always as <see cref="Label"/>s, whichever form this set is in (the same
    /// encoding as the <c>Label[]</c> field it replaces). Internal for the generated serializer, which sets it on a new
    /// instance only.
    /// </summary>
    [Id(0)]
    internal Label[] SerializedLabels
    {
        get => _storage as Label[] ?? ToArray();
        set => _storage = value;
    }

    /// <summary>Builds a set from labels in any order. A later label with the same name wins; empty values are dropped.</summary>
    public static LabelSet From(IEnumerable<Label> labels)
    {
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            byName[label.Name] = label.Value;
        }
        return FromDictionary(byName);
    }

    public static LabelSet From(params ReadOnlySpan<(string Name, string Value)> labels)
    {
        var byName = new Dictionary<string, string>(labels.Length, StringComparer.Ordinal);
        foreach (var (name, value) in labels)
        {
            byName[name] = value;
        }
        return FromDictionary(byName);
    }

    public static LabelSet FromDictionary(IReadOnlyDictionary<string, string> labels)
    {
        var array = new Label[labels.Count];
        var count = 0;
        foreach (var (name, value) in labels)
        {
            if (value.Length > 0)
            {
                array[count++] = new Label(name, value);
            }
        }
        if (count != array.Length)
        {
            Array.Resize(ref array, count);
        }
        Array.Sort(array, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new LabelSet(array);
    }

    /// <summary>Wraps an array the caller guarantees is sorted by name, unique and without empty values.</summary>
    public static LabelSet FromSortedUnique(Label[] sortedUnique) => new(sortedUnique);

    /// <summary>
    /// The same labels for a long-lived cache: in the compact form when every name and value has a shared id, else
    /// as <see cref="Label"/>s of shared strings where there are any (a scrape's copies would otherwise live on).
    /// </summary>
    public static LabelSet Compact(LabelSet labels)
    {
        if (labels._storage is ushort[])
        {
            return labels;
        }
        var source = (Label[])labels._storage;
        var ids = new ushort[source.Length * 2];
        for (var i = 0; i < source.Length; i++)
        {
            if (!LabelStrings.TryGetId(source[i].Name, out ids[2 * i]) || !LabelStrings.TryGetId(source[i].Value, out ids[2 * i + 1]))
            {
                return SharedStrings(source);
            }
        }
        return new LabelSet(ids);
    }

    private static LabelSet SharedStrings(Label[] source)
    {
        var shared = new Label[source.Length];
        for (var i = 0; i < source.Length; i++)
        {
            shared[i] = new Label(LabelStrings.Share(source[i].Name), LabelStrings.Share(source[i].Value));
        }
        return new LabelSet(shared);
    }

    /// <summary>
    /// A storage's id for this series, kept on the set itself — Prometheus' <c>SeriesRef</c>, which its scrape cache
    /// holds per series — so a write-ahead log finds the id of a series from its scrape cache without hashing the
    /// labels on every sample. Only a hint: a storage checks that the id it finds is its own id for this very instance
    /// (another storage, or another instance with the same labels, may have set it), and 0 means none.
    /// </summary>
    public uint SeriesRef
    {
        get => Volatile.Read(ref _seriesRef);
        set => Volatile.Write(ref _seriesRef, value);
    }

    public int Count => _storage is Label[] labels ? labels.Length : ((ushort[])_storage).Length / 2;

    public Label this[int index]
    {
        get
        {
            if (_storage is Label[] labels)
            {
                return labels[index];
            }
            var ids = (ushort[])_storage;
            return new Label(LabelStrings.Get(ids[2 * index]), LabelStrings.Get(ids[2 * index + 1]));
        }
    }

    /// <summary>
    /// For a compact set (see <see cref="Compact"/>), the <see cref="LabelStrings"/> ids of its names and values in
    /// turn; empty for the array form. Encoders read each string's UTF-8 bytes from there instead of transcoding.
    /// </summary>
    public ReadOnlySpan<ushort> CompactIds => _storage as ushort[];

    /// <summary>The labels as a span: the set's own array, or for a compact set a new one (see the remarks).</summary>
    public ReadOnlySpan<Label> AsSpan() => _storage as Label[] ?? ToArray();

    /// <summary>The name of the label at <paramref name="index"/>, without building the label.</summary>
    private string NameAt(int index) =>
        _storage is Label[] labels ? labels[index].Name : LabelStrings.Get(((ushort[])_storage)[2 * index]);

    /// <summary>The value of <paramref name="name"/>, or the empty string when absent (Prometheus' convention).</summary>
    public string Get(string name)
    {
        var index = IndexOf(name);
        return index >= 0 ? this[index].Value : string.Empty;
    }

    public bool Contains(string name) => IndexOf(name) >= 0;

    private int IndexOf(string name) => BinarySearch(new SetNames(this), name);

    /// <summary>
    /// Binary search by name (ordinal) in labels sorted by name: the index, or the complement of the insertion point
    /// when absent (as <see cref="Array.BinarySearch(Array, object)"/>).
    /// </summary>
    public static int IndexOf(ReadOnlySpan<Label> sorted, string name) => BinarySearch(new SpanNames(sorted), name);

    private static int BinarySearch<TNames>(TNames names, string name) where TNames : ISortedNames, allows ref struct
    {
        int lo = 0, hi = names.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var cmp = string.CompareOrdinal(names.NameAt(mid), name);
            if (cmp == 0)
            {
                return mid;
            }
            if (cmp < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return ~lo;
    }

    /// <summary>Label names sorted ordinally, by index: what <see cref="BinarySearch"/> reads.</summary>
    private interface ISortedNames
    {
        int Count { get; }

        string NameAt(int index);
    }

    private readonly ref struct SpanNames(ReadOnlySpan<Label> labels) : ISortedNames
    {
        private readonly ReadOnlySpan<Label> _labels = labels;

        public int Count => _labels.Length;

        public string NameAt(int index) => _labels[index].Name;
    }

    private readonly struct SetNames(LabelSet set) : ISortedNames
    {
        public int Count => set.Count;

        public string NameAt(int index) => set.NameAt(index);
    }

    public Dictionary<string, string> ToDictionary()
    {
        var dictionary = new Dictionary<string, string>(Count, StringComparer.Ordinal);
        foreach (var label in this)
        {
            dictionary[label.Name] = label.Value;
        }
        return dictionary;
    }

    private Label[] ToArray()
    {
        var array = new Label[Count];
        for (var i = 0; i < array.Length; i++)
        {
            array[i] = this[i];
        }
        return array;
    }

    /// <summary>A struct enumerator, so <c>foreach</c> over either form allocates nothing.</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<Label> IEnumerable<Label>.GetEnumerator() => ((IEnumerable<Label>)ToArray()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<Label>)this).GetEnumerator();

    public bool Equals(LabelSet? other) =>
        other is not null &&
        (ReferenceEquals(this, other) ||
         ((_hashCode == 0 || other._hashCode == 0 || _hashCode == other._hashCode) && SameLabels(other)));

    private bool SameLabels(LabelSet other)
    {
        if (_storage is Label[] mine && other._storage is Label[] theirs)
        {
            return mine.AsSpan().SequenceEqual(theirs);
        }
        if (_storage is ushort[] myIds && other._storage is ushort[] theirIds)
        {
            // One id per distinct string: equal strings have equal ids.
            return myIds.AsSpan().SequenceEqual(theirIds);
        }
        var count = Count;
        if (count != other.Count)
        {
            return false;
        }
        for (var i = 0; i < count; i++)
        {
            if (this[i] != other[i])
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as LabelSet);

    public override int GetHashCode()
    {
        var cached = _hashCode;
        if (cached != 0)
        {
            return cached;
        }
        var hash = new HashCode();
        foreach (var label in this)
        {
            hash.Add(label.Name);
            hash.Add(label.Value);
        }
        cached = hash.ToHashCode();
        // Racing threads compute the same value; 0 is reserved for "not computed".
        _hashCode = cached == 0 ? 1 : cached;
        return _hashCode;
    }

    /// <summary>Prometheus' notation: <c>{a="1", b="2"}</c>.</summary>
    public override string ToString() =>
        "{" + string.Join(", ", ToArray().Select(l => $"{l.Name}=\"{l.Value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n")}\"")) + "}";

    /// <summary>Enumerates the labels of either form by index.</summary>
    public struct Enumerator(LabelSet set) : IEnumerator<Label>
    {
        private int _index = -1;

        public readonly Label Current => set[_index];

        readonly object IEnumerator.Current => Current;

        public bool MoveNext() => ++_index < set.Count;

        public void Reset() => _index = -1;

        public readonly void Dispose()
        {
        }
    }
}
