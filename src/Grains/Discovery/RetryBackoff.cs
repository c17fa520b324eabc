namespace AlloyOrleans.Grains.Discovery;

/// <summary>The doubling backoff of discovery retries, capped before it can overflow (a TimeSpan doubled ~40 times throws).</summary>
public static class RetryBackoff
{
    /// <summary>The delay after <paramref name="current"/>: twice as long, at most <paramref name="max"/>.</summary>
    public static TimeSpan Next(TimeSpan current, TimeSpan max) =>
        current >= max / 2 ? max : current * 2;
}
