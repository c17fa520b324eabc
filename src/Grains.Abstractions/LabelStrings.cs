using System.Collections.Concurrent;
using System.Text;

namespace AlloyOrleans.Grains.Abstractions;

/// <summary>
/// One string instance, with a 16-bit id, per distinct label name and value of the series that scrape caches keep:
/// metric names, label names and most values (<c>mode="idle"</c>, <c>cpu="0"</c>, <c>device="eth0"</c>) repeat across
/// targets and series. A compact <see cref="LabelSet"/> holds these ids instead of <see cref="Label"/>s (2 bytes per
/// string instead of an 8-byte reference, and no references for the GC to trace). Each string's UTF-8 bytes are kept
/// beside it, so encoders of every sample's labels (remote_write) copy bytes instead of transcoding the same few
/// thousand strings again on every send. Bounded: once
/// <see cref="Capacity"/> strings have ids, new ones (high-cardinality ids, paths) get none and the series holding
/// them keep their labels as <see cref="Label"/>s. Never shrinks, like the string pool it replaces.
/// </summary>
public static class LabelStrings
{
    /// <summary>Every 16-bit id is used.</summary>
    internal const int Capacity = ushort.MaxValue + 1;

    private static readonly ConcurrentDictionary<string, ushort> Ids = new(StringComparer.Ordinal);
    private static readonly Lock Adding = new();
    private static Entry[] _byId = new Entry[1024];
    private static int _count;

    /// <summary>How many strings have ids.</summary>
    public static int Count => Volatile.Read(ref _count);

    /// <summary>The id of <paramref name="value"/>, given one if there is room; false when the table is full.</summary>
    public static bool TryGetId(string value, out ushort id)
    {
        if (Ids.TryGetValue(value, out id))
        {
            return true;
        }
        lock (Adding)
        {
            if (Ids.TryGetValue(value, out id))
            {
                return true;
            }
            if (_count == Capacity)
            {
                return false;
            }
            if (_count == _byId.Length)
            {
                var grown = new Entry[Math.Min(_byId.Length * 2, Capacity)];
                _byId.CopyTo(grown, 0);
                Volatile.Write(ref _byId, grown);
            }
            // The string is in the array before its id is published, so whoever has an id can read it.
            id = (ushort)_count;
            _byId[id] = new Entry(value, Encoding.UTF8.GetBytes(value));
            Volatile.Write(ref _count, _count + 1);
            Ids[value] = id;
            return true;
        }
    }

    /// <summary>The shared instance equal to <paramref name="value"/>, or <paramref name="value"/> itself when the table is full.</summary>
    public static string Share(string value) => TryGetId(value, out var id) ? Get(id) : value;

    /// <summary>The string of an id handed out by <see cref="TryGetId"/>.</summary>
    public static string Get(ushort id) => Volatile.Read(ref _byId)[id].Value;

    /// <summary>The UTF-8 bytes of the string of an id handed out by <see cref="TryGetId"/>.</summary>
    public static ReadOnlySpan<byte> Utf8(ushort id) => Volatile.Read(ref _byId)[id].Utf8;

    private readonly record struct Entry(string Value, byte[] Utf8);
}
