namespace AlloyOrleans.Grains.Abstractions;

/// <summary>
/// A target passed from one silo to another at a slot boundary: the receiver scrapes it from
/// <see cref="NextSlotMs"/> on. Null means the sender was not scraping it, so the receiver starts at its next slot.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct TargetHandOff([property: Id(0)] TargetRef Target, [property: Id(1)] long? NextSlotMs)
{
    /// <summary>
    /// The process of the receiver's name the sender means (its Orleans generation; null: any). A call by name reaches
    /// whichever process holds the name now; one restarted since refuses a push meant for its earlier process, which
    /// the sender's ledger would otherwise record under the earlier one, and call "gone" once that is declared dead.
    /// </summary>
    [Id(2)]
    public int? ReceiverIncarnation { get; init; }

    /// <summary>
    /// The sender's own number for this push, never sent (it has no <c>[Id]</c>): the answer that comes back names the
    /// push it answers, which a later push of the same target, receiver and slot cannot.
    /// </summary>
    [field: NonSerialized]
    public long PushId { get; init; }
}
