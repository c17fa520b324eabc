namespace AlloyOrleans.Grains.Pyroscope;

/// <summary>What one push attempt came to: delivered, worth retrying (as Alloy's shouldRetry decides), or refused for good.</summary>
public readonly record struct PushOutcome(bool Delivered, bool Retryable, string? Error)
{
    public static readonly PushOutcome Success = new(true, false, null);

    public static PushOutcome Retry(string error) => new(false, true, error);

    public static PushOutcome Refused(string error) => new(false, false, error);
}
