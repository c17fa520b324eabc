namespace AlloyOrleans.Grains.Abstractions;

/// <summary>One Prometheus label: a name and its value.</summary>
[GenerateSerializer, Immutable]
public readonly record struct Label([property: Id(0)] string Name, [property: Id(1)] string Value);
