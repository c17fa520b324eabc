using System.Collections.Concurrent;
using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// The lists a scrape collects its samples in, reused: sinks copy what they keep before their append completes
/// (<see cref="ISampleSink.AppendAsync"/>), so a scrape with an unchanged series set allocates nothing for its
/// samples. Bounded in count and in list size, so a burst of concurrent scrapes or one huge exposition is not kept.
/// </summary>
internal static class SampleListPool
{
    private const int MaxPooled = 64;
    private const int MaxKeptCapacity = 64 * 1024; // samples: 1.5 MB per list

    private static readonly ConcurrentQueue<List<Sample>> Lists = new();

    public static List<Sample> Rent() => Lists.TryDequeue(out var list) ? list : [];

    public static void Return(List<Sample> list)
    {
        if (list.Capacity > MaxKeptCapacity || Lists.Count >= MaxPooled)
        {
            return;
        }
        list.Clear();
        Lists.Enqueue(list);
    }
}
