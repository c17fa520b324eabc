namespace AlloyOrleans.Grains.Abstractions;

/// <summary>Names one target of one scrape component: its component id and its ring key.</summary>
[GenerateSerializer, Immutable]
public readonly record struct TargetRef([property: Id(0)] string ComponentId, [property: Id(1)] ulong Key);
