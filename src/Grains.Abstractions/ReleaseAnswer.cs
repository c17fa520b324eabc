namespace AlloyOrleans.Grains.Abstractions;

/// <summary>
/// What a silo asked to release a target says about it. The answers are distinct on purpose: "I never had it" and "I
/// already gave it to X" call for different actions by the asker (start, or look for X), and "I am getting it myself"
/// means "ask again shortly", not "nobody has it".
/// </summary>
public enum ReleaseOutcome
{
    /// <summary>It was scraping the target and stopped: <see cref="ReleaseAnswer.SlotMs"/> is the first slot it did not start.</summary>
    Released,

    /// <summary>It gave the target to <see cref="ReleaseAnswer.HandedTo"/>, which scrapes from <see cref="ReleaseAnswer.SlotMs"/>.</summary>
    HandedOn,

    /// <summary>It is itself acquiring the target: ask again.</summary>
    Pending,

    /// <summary>It neither scrapes the target nor knows where it went.</summary>
    NotHere,
}

/// <summary>One target's answer to a release request.</summary>
/// <param name="ReceiverGone">For <see cref="ReleaseOutcome.HandedOn"/>: the answering silo saw the receiver active
/// and no longer does (it crashed or left), so the target is not there any more.</param>
/// <param name="Unconfirmed">For <see cref="ReleaseOutcome.HandedOn"/>: the answering silo pushed it and has no answer
/// yet, so the receiver may not know it has it.</param>
/// <param name="HandedToGeneration">Which process of that name received it (its Orleans generation), when known.</param>
/// <param name="Asking">For <see cref="ReleaseOutcome.Pending"/>: the answering silo still waits for other peers'
/// answers, one of which may release the target to it, or for the answer to its own push of it (a refusal gives it
/// back).</param>
/// <param name="Claim">For <see cref="ReleaseOutcome.HandedOn"/>: not a hand-off but a claim — the receiver asked the
/// answering silo for the target and heard it was not there. No push is on its way to the receiver, so its own answer
/// about the target is final.</param>
/// <param name="Requested">For <see cref="ReleaseOutcome.HandedOn"/>: released to the receiver in answer to its own
/// request, not pushed: the receiver learns it has the target only when that answer lands (within the hand-off
/// timeout), so until then it may still say "pending" or "not here".</param>
[GenerateSerializer, Immutable]
public readonly record struct ReleaseAnswer(
    [property: Id(0)] TargetRef Target,
    [property: Id(1)] ReleaseOutcome Outcome,
    [property: Id(2)] long? SlotMs = null,
    [property: Id(3)] string? HandedTo = null,
    [property: Id(4)] bool ReceiverGone = false,
    [property: Id(5)] bool Unconfirmed = false,
    [property: Id(6)] int? HandedToGeneration = null,
    [property: Id(7)] bool Asking = false,
    [property: Id(8)] bool Claim = false,
    [property: Id(9)] bool Requested = false);
