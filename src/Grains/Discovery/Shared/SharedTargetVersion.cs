namespace AlloyOrleans.Grains.Discovery.Shared;

/// <summary>
/// Versions of a shared target list: the runner's clock in milliseconds, but always above every version it knows of.
/// A new runner asks the silos for the highest version they hold before it publishes, and the clock carries it past
/// a version it could not learn (a silo that did not answer), so versions do not go backwards across a takeover and
/// a receiver that keeps only newer lists never keeps a stale one for long.
/// </summary>
public static class SharedTargetVersion
{
    public static long Next(long nowMs, long highestKnown) => Math.Max(nowMs, highestKnown + 1);
}
