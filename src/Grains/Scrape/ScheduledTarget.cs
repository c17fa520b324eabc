using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>A target this silo is scraping: where it is on its slot grid, and its scrape state.</summary>
public sealed class ScheduledTarget(TargetRef target, long nextSlotMs)
{
    public TargetRef Target { get; } = target;

    /// <summary>The first slot not yet started. Guarded by the scheduler's lock.</summary>
    public long NextSlotMs { get; set; } = nextSlotMs;

    /// <summary>False once the target was stopped, released or handed off; its queued slot is then discarded.</summary>
    public bool Active { get; set; } = true;

    /// <summary>The silo that handed this target over while its ring still named that silo, if any.</summary>
    public string? GrantedBy { get; set; }

    /// <summary>When the ring gave this target to another silo that has not asked for it yet.</summary>
    public long? LosingSinceMs { get; set; }

    /// <summary>The scrape in progress, if any: a slot is skipped rather than overlapped.</summary>
    public Task InFlight { get; set; } = Task.CompletedTask;

    /// <summary>Series of the previous scrapes, for staleness markers and label caching.</summary>
    public TargetScrapeState State { get; } = new();

    public ScrapeReport? LastReport { get; set; }

    public long LastScrapeSlotMs { get; set; }
}
