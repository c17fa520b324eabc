using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>A target this silo is scraping: its scrape state, the scrape in flight and its last report.</summary>
public sealed class ScheduledTarget(TargetRef target)
{
    public TargetRef Target { get; } = target;

    /// <summary>The scrape in progress, if any, with a slot waiting behind it: scrapes of a target never overlap.</summary>
    public Task InFlight { get; set; } = Task.CompletedTask;

    /// <summary>Whether a slot waits for the scrape in flight (set under the scheduler's lock at dispatch, cleared off it when that slot starts).</summary>
    public bool SlotWaiting
    {
        get => Volatile.Read(ref _slotWaiting);
        set => Volatile.Write(ref _slotWaiting, value);
    }

    private bool _slotWaiting;

    /// <summary>The latest slot handed to the worker (set under the scheduler's lock at dispatch); null before the first.</summary>
    public long? DispatchedSlotMs { get; set; }

    /// <summary>Series of the previous scrapes, for staleness markers and label caching.</summary>
    public TargetScrapeState State { get; } = new();

    /// <summary>What the last slot actually scraped said (a skipped slot leaves it as it was).</summary>
    public ScrapeReport? LastReport { get; private set; }

    public long LastScrapeSlotMs { get; private set; }

    /// <summary>The latest slot not scraped because it was picked up too late, if any.</summary>
    public long? LastSkippedSlotMs { get; private set; }

    /// <summary>Keeps a slot's report: a scrape's becomes the last report, a skipped slot is noted as skipped.</summary>
    public void Record(ScrapeReport report, long slotMs)
    {
        if (report.Skipped)
        {
            LastSkippedSlotMs = slotMs;
            return;
        }
        LastReport = report;
        LastScrapeSlotMs = slotMs;
    }
}
