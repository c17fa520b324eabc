namespace AlloyOrleans.Grains.Abstractions;

/// <summary>The outcome of one scrape: what Prometheus' <c>up</c> and synthetic series say, plus the error.</summary>
/// <param name="Skipped">The slot was not scraped at all (picked up an interval or more after it was due): no sample
/// was written, <c>up</c> included. Not a failed scrape: the target's health is what its last scrape said.</param>
[GenerateSerializer, Immutable]
public sealed record ScrapeReport(
    [property: Id(0)] bool Up,
    [property: Id(1)] double DurationSeconds,
    [property: Id(2)] int SamplesScraped,
    [property: Id(3)] string? Error,
    [property: Id(4)] bool Skipped = false)
{
    /// <summary>A slot picked up an interval or more after it was due, not scraped.</summary>
    public static ScrapeReport SkippedLate { get; } = new(false, 0, 0, "slot picked up more than one interval late; skipped", Skipped: true);
}
