namespace AlloyOrleans.Grains.Abstractions;

/// <summary>
/// One shared discovery component's complete target list, as the silo that runs its discoverer published it.
/// <see cref="Version"/> only grows, across takeovers too: a silo keeps the highest version it has received.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SharedTargetList(
    [property: Id(0)] string ComponentId,
    [property: Id(1)] long Version,
    [property: Id(2)] string Runner,
    [property: Id(3)] IReadOnlyList<LabelSet> Targets);
