namespace AlloyOrleans.Grains.Pyroscope;

/// <summary>
/// dskit's backoff as <c>pyroscope.write</c> uses it: the wait doubles from the minimum up to the maximum, and a push
/// is given up after <c>max_backoff_retries</c> failed retries (0: never given up).
/// </summary>
public readonly record struct PushBackoff(TimeSpan Min, TimeSpan Max, int MaxRetries)
{
    /// <summary>The wait before retry number <paramref name="retry"/> (1-based).</summary>
    public TimeSpan DelayBefore(int retry)
    {
        var delay = Min;
        for (var i = 1; i < retry && delay < Max; i++)
        {
            delay *= 2;
        }
        return delay > Max ? Max : delay;
    }

    /// <summary>Whether another retry follows after <paramref name="retriesSoFar"/> retries failed.</summary>
    public bool MayRetry(int retriesSoFar) => MaxRetries <= 0 || retriesSoFar < MaxRetries;
}
