using System.Collections;

namespace AlloyOrleans.Grains.Abstractions;

/// <summary>
/// An immutable set of labels sorted by name (ordinal), with unique names and no empty values.
/// This is the identity of a target and of a series; remote_write and the ring rely on the ordering.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class LabelSet : IReadOnlyList<Label>, IEquatable<LabelSet>
{
    public static readonly LabelSet Empty = new([]);

    [Id(0)] private readonly Label[] _labels;

    /// <summary>The hash code once computed (0 = not yet): label sets key caches and maps on every scrape.</summary>
    [NonSerialized] private int _hashCode;

    /// <summary>See <see cref="SeriesRef"/>; fits the object's padding next to the hash code, so it costs no memory.</summary>
    [NonSerialized] private uint _seriesRef;

    private LabelSet(Label[] sortedUnique) => _labels = sortedUnique;

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

    public int Count => _labels.Length;

    public Label this[int index] => _labels[index];

    public ReadOnlySpan<Label> AsSpan() => _labels;

    /// <summary>The value of <paramref name="name"/>, or the empty string when absent (Prometheus' convention).</summary>
    public string Get(string name)
    {
        var index = IndexOf(name);
        return index >= 0 ? _labels[index].Value : string.Empty;
    }

    public bool Contains(string name) => IndexOf(name) >= 0;

    private int IndexOf(string name) => IndexOf(_labels, name);

    /// <summary>
    /// Binary search by name (ordinal) in labels sorted by name: the index, or the complement of the insertion point
    /// when absent (as <see cref="Array.BinarySearch(Array, object)"/>).
    /// </summary>
    public static int IndexOf(ReadOnlySpan<Label> sorted, string name)
    {
        int lo = 0, hi = sorted.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var cmp = string.CompareOrdinal(sorted[mid].Name, name);
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

    public Dictionary<string, string> ToDictionary()
    {
        var dictionary = new Dictionary<string, string>(_labels.Length, StringComparer.Ordinal);
        foreach (var label in _labels)
        {
            dictionary[label.Name] = label.Value;
        }
        return dictionary;
    }

    public IEnumerator<Label> GetEnumerator() => ((IEnumerable<Label>)_labels).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(LabelSet? other) =>
        other is not null &&
        (ReferenceEquals(this, other) ||
         ((_hashCode == 0 || other._hashCode == 0 || _hashCode == other._hashCode) && _labels.AsSpan().SequenceEqual(other._labels)));

    public override bool Equals(object? obj) => Equals(obj as LabelSet);

    public override int GetHashCode()
    {
        var cached = _hashCode;
        if (cached != 0)
        {
            return cached;
        }
        var hash = new HashCode();
        foreach (var label in _labels)
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
        "{" + string.Join(", ", _labels.Select(l => $"{l.Name}=\"{l.Value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n")}\"")) + "}";
}
