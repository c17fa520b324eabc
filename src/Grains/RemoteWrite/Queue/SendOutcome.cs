using AlloyOrleans.Grains.RemoteWrite.Wal;

namespace AlloyOrleans.Grains.RemoteWrite.Queue;

/// <summary>What to do with a batch after one attempt to send it.</summary>
public enum SendOutcomeKind
{
    Sent,
    /// <summary>A 5xx, a 429 (when retried), a timeout or a connection failure: try again after a backoff.</summary>
    Retry,
    /// <summary>Any other non-2xx answer: the receiver will never take this batch.</summary>
    Drop,
}

public readonly record struct SendOutcome(SendOutcomeKind Kind, int StatusCode, TimeSpan? RetryAfter, string? Error);
