namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// The deterministic slot grid: a target with ring key <c>k</c> and interval <c>I</c> is due at Unix times
/// <c>t ≡ k mod I</c> (milliseconds). Every silo computes the same grid, which is what lets a target move between
/// silos at a slot boundary without a gap or a duplicate.
/// </summary>
public static class ScrapeSlots
{
    /// <summary>The first slot at or after <paramref name="timeMs"/>.</summary>
    public static long AtOrAfter(ulong key, TimeSpan interval, long timeMs) => AtOrAfter(key, IntervalMs(interval), timeMs);

    /// <summary>The first slot at or after <paramref name="timeMs"/> on a grid of <paramref name="intervalMs"/> (at least 1).</summary>
    public static long AtOrAfter(ulong key, long intervalMs, long timeMs)
    {
        var offset = (long)(key % (ulong)intervalMs);
        var remainder = ((offset - timeMs) % intervalMs + intervalMs) % intervalMs;
        return timeMs + remainder;
    }

    /// <summary>The interval in whole milliseconds, at least one.</summary>
    public static long IntervalMs(TimeSpan interval) => Math.Max(1, (long)interval.TotalMilliseconds);
}
