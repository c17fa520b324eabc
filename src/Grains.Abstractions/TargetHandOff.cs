namespace AlloyOrleans.Grains.Abstractions;

/// <summary>
/// A target passed from one silo to another at a slot boundary: the receiver scrapes it from
/// <see cref="NextSlotMs"/> on. Null means the sender was not scraping it, so the receiver starts at its next slot.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct TargetHandOff([property: Id(0)] TargetRef Target, [property: Id(1)] long? NextSlotMs);
