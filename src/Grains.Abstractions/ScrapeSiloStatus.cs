namespace AlloyOrleans.Grains.Abstractions;

/// <summary>One silo's scraping state as its coordinator reports it.</summary>
/// <param name="SamplesPerSecond">
/// The samples each target gave at its last scrape divided by its scrape interval, summed: the steady scrape load.
/// </param>
/// <param name="DownTargets">Targets whose last scrape failed (<c>up</c> = 0).</param>
[GenerateSerializer, Immutable]
public sealed record ScrapeSiloStatus(
    [property: Id(0)] string NodeName,
    [property: Id(1)] bool ReadyForTraffic,
    [property: Id(2)] int OwnedTargets,
    [property: Id(3)] int RingNodes,
    [property: Id(4)] double SamplesPerSecond = 0,
    [property: Id(5)] int DownTargets = 0);
