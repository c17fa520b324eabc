using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// What one target's scrapes remember between slots: its series, keyed by the 128-bit hash of their exposition text
/// (<c>name{labels}</c>), each with the labels it resolved to and the scrape that last saw it. Labels are built once
/// per series, not per scrape, and series missing from a scrape get staleness markers.
/// </summary>
/// <remarks>
/// Prometheus keys its scrape cache by the text itself; keeping a copy of it cost ~70 B per series (a third of the
/// cache) at 507k series. A 128-bit XxHash128 stands in for it: two different series of one target would have to
/// collide in 128 bits (for n series, a chance of about n²/2^129, i.e. ~10^-27 for a million).
/// <para>The dictionary grows by doubling, which leaves up to half of it empty (919 entries for node_exporter's 507
/// series); once a scrape has added series, a cache more than half again as large as its count is trimmed to fit.</para>
/// </remarks>
public sealed class TargetScrapeState
{
    internal Dictionary<SeriesKey, CachedSeries> Series { get; } = [];

    /// <summary>Increases with every scrape; a series seen in scrape n-1 but not in n has gone stale.</summary>
    internal int ScrapeNumber { get; set; }

    /// <summary>After a scrape that added series: gives back the room the dictionary's doubling left empty.</summary>
    internal void TrimSeries()
    {
        // Trimmed to the next size the dictionary uses (its primes step ~20 %), so a trimmed cache is not trimmed again.
        var count = Series.Count;
        if (Series.Capacity > count + count / 2 + 16)
        {
            Series.TrimExcess(count);
        }
    }

    /// <summary>The job of the latest scrape: where end-of-series markers go after the job itself is gone.</summary>
    internal ScrapeJob? Job { get; set; }

    /// <summary>What a job kind other than metrics keeps between a target's slots (profiles: the previous cumulative profile).</summary>
    public object? ExecutorState { get; set; }

    /// <summary>Serialises scrapes of one target (the scheduler never overlaps them; this also covers end-of-series).</summary>
    internal SemaphoreSlim Gate { get; } = new(1, 1);
}

/// <summary>
/// One series of a target: its final labels (null when metric relabelling drops it) and when it was seen. A struct
/// held in the dictionary's entries (updated in place), so a series costs one entry and its label set, no object.
/// </summary>
/// <remarks>
/// Scrape numbers are 32-bit: an entry is 40 bytes instead of 48 (the 128-bit key, the labels, two numbers), and a
/// target scraped every second takes 68 years to run out of them.
/// </remarks>
internal struct CachedSeries(LabelSet? labels)
{
    public readonly LabelSet? Labels = labels;

    public int LastSeen { get; private set; } = -1;

    /// <summary>What <see cref="LastSeen"/> was before the current scrape marked it: a failed scrape ends the series seen before it.</summary>
    public int PreviouslySeen { get; private set; } = -1;

    public void MarkSeen(int scrapeNumber)
    {
        if (LastSeen != scrapeNumber)
        {
            PreviouslySeen = LastSeen;
            LastSeen = scrapeNumber;
        }
    }
}
