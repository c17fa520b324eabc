namespace AlloyOrleans.Grains.Abstractions;

/// <summary>The outcome of one scrape: what Prometheus' <c>up</c> and synthetic series say, plus the error.</summary>
[GenerateSerializer, Immutable]
public sealed record ScrapeReport(
    [property: Id(0)] bool Up,
    [property: Id(1)] double DurationSeconds,
    [property: Id(2)] int SamplesScraped,
    [property: Id(3)] string? Error);
