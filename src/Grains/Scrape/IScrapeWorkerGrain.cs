namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// Scrapes one target for one slot. A stateless worker: Orleans activates it on the calling silo, so the scheduler's
/// calls never leave the silo and the samples go to the local remote_write queue.
/// </summary>
[Alias("AlloyOrleans.ScrapeWorker")]
public interface IScrapeWorkerGrain : IGrainWithIntegerKey
{
    [Alias("Scrape")]
    Task<Abstractions.ScrapeReport> Scrape(ScrapeWork work);
}
