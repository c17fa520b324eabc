using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// One slot of one target, passed whole to the local scrape worker so the worker never calls back into the
/// scheduler. Stateless workers run on the calling silo, and an immutable argument of a local call is passed by
/// reference, so the job, the target and its scrape state arrive as they are; only the target and slot would
/// survive a copy to another silo (which never happens).
/// </summary>
[GenerateSerializer, Immutable]
public sealed class ScrapeWork(TargetRef target, long slotMs, ScrapeJob job, ScrapeTarget scrapeTarget, TargetScrapeState state)
{
    [Id(0)] public TargetRef Target { get; } = target;

    [Id(1)] public long SlotMs { get; } = slotMs;

    [NonSerialized] public readonly ScrapeJob Job = job;

    [NonSerialized] public readonly ScrapeTarget ScrapeTarget = scrapeTarget;

    [NonSerialized] public readonly TargetScrapeState State = state;
}
