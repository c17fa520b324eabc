using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// What one target's scrapes remember between slots: its series, keyed by the hash of their exposition text, each
/// with the labels it resolved to and the scrape that last saw it. Labels are built once per series, not per
/// scrape, and series missing from a scrape get staleness markers.
/// </summary>
public sealed class TargetScrapeState
{
    internal Dictionary<ulong, CachedSeries> Series { get; } = [];

    /// <summary>Increases with every scrape; a series seen in scrape n-1 but not in n has gone stale.</summary>
    internal long ScrapeNumber { get; set; }

    /// <summary>The job of the latest scrape: where end-of-series markers go after the job itself is gone.</summary>
    internal ScrapeJob? Job { get; set; }

    /// <summary>What a job kind other than metrics keeps between a target's slots (profiles: the previous cumulative profile).</summary>
    public object? ExecutorState { get; set; }

    /// <summary>Serialises scrapes of one target (the scheduler never overlaps them; this also covers end-of-series).</summary>
    internal SemaphoreSlim Gate { get; } = new(1, 1);
}

/// <summary>One series of a target: its raw identity, its final labels (null when metric relabelling drops it).</summary>
internal sealed class CachedSeries(byte[] raw, LabelSet? labels)
{
    public byte[] Raw { get; } = raw;

    public LabelSet? Labels { get; } = labels;

    public long LastSeen { get; private set; } = -1;

    /// <summary>What <see cref="LastSeen"/> was before the current scrape marked it: a failed scrape ends the series seen before it.</summary>
    public long PreviouslySeen { get; private set; } = -1;

    public void MarkSeen(long scrapeNumber)
    {
        if (LastSeen != scrapeNumber)
        {
            PreviouslySeen = LastSeen;
            LastSeen = scrapeNumber;
        }
    }
}
