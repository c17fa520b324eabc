using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>A target this silo is scraping: its scrape state, the scrape in flight and its last report.</summary>
public sealed class ScheduledTarget(TargetRef target)
{
    public TargetRef Target { get; } = target;

    /// <summary>The scrape in progress, if any, with a slot waiting behind it: scrapes of a target never overlap.</summary>
    public Task InFlight { get; set; } = Task.CompletedTask;

    /// <summary>Whether a slot waits for the scrape in flight (set and cleared off the scheduler's lock).</summary>
    public bool SlotWaiting
    {
        get => Volatile.Read(ref _slotWaiting);
        set => Volatile.Write(ref _slotWaiting, value);
    }

    private bool _slotWaiting;

    /// <summary>Series of the previous scrapes, for staleness markers and label caching.</summary>
    public TargetScrapeState State { get; } = new();

    public ScrapeReport? LastReport { get; set; }

    public long LastScrapeSlotMs { get; set; }
}
