using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>A target this silo is scraping: its scrape state, the scrape in flight and its last report.</summary>
public sealed class ScheduledTarget(TargetRef target)
{
    public TargetRef Target { get; } = target;

    /// <summary>The scrape in progress, if any: a slot is skipped rather than overlapped.</summary>
    public Task InFlight { get; set; } = Task.CompletedTask;

    /// <summary>Series of the previous scrapes, for staleness markers and label caching.</summary>
    public TargetScrapeState State { get; } = new();

    public ScrapeReport? LastReport { get; set; }

    public long LastScrapeSlotMs { get; set; }
}
