namespace AlloyOrleans.Grains.Abstractions;

/// <summary>One silo's scraping state as its coordinator reports it.</summary>
[GenerateSerializer, Immutable]
public sealed record ScrapeSiloStatus(
    [property: Id(0)] string NodeName,
    [property: Id(1)] bool ReadyForTraffic,
    [property: Id(2)] int OwnedTargets,
    [property: Id(3)] int RingNodes);
