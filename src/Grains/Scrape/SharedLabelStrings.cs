using System.Collections.Concurrent;
using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// One string instance per distinct label name and value across every target's series cache: metric names, label
/// names and most values (<c>mode="idle"</c>, <c>cpu="0"</c>, <c>device="eth0"</c>) repeat across targets and series,
/// and each cached series otherwise keeps its own copies. Bounded, so high-cardinality values (ids, paths) fill it at
/// most to <see cref="Capacity"/> and are then kept as they come.
/// </summary>
internal static class SharedLabelStrings
{
    internal const int Capacity = 200_000;

    private static readonly ConcurrentDictionary<string, string> Pool = new(StringComparer.Ordinal);

    public static string Share(string value)
    {
        if (Pool.TryGetValue(value, out var shared))
        {
            return shared;
        }
        return Pool.Count < Capacity ? Pool.GetOrAdd(value, value) : value;
    }

    /// <summary>The same labels, their names and values replaced by the shared instances.</summary>
    public static LabelSet Share(LabelSet labels)
    {
        var source = labels.AsSpan();
        var shared = new Label[source.Length];
        for (var i = 0; i < source.Length; i++)
        {
            shared[i] = new Label(Share(source[i].Name), Share(source[i].Value));
        }
        return LabelSet.FromSortedUnique(shared);
    }
}
