namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// Scrapes one target for one slot. A stateless worker: Orleans activates it on the calling silo, so the scheduler's
/// calls never leave the silo and the samples go to the local remote_write queue.
/// </summary>
[Alias("AlloyOrleans.ScrapeWorker")]
public interface IScrapeWorkerGrain : IGrainWithIntegerKey
{
    // A delta profile's scrape (pyroscope.scrape, seconds = interval - 1 s) blocks for about an interval, longer than
    // Orleans' default 30 s response timeout at intervals past ~20 s; the scrape bounds itself with its own timeout.
    [Alias("Scrape"), ResponseTimeout("00:10:00")]
    Task<Abstractions.ScrapeReport> Scrape(ScrapeWork work);

    /// <summary>Does nothing: the first call creates the local activation, before any slot depends on it.</summary>
    [Alias("WarmUp")]
    Task WarmUp();
}
