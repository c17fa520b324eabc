using AlloyOrleans.Grains.Abstractions;
using Orleans.Concurrency;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// Runs scrapes on the silo that calls it. Reentrant, because a scrape mostly waits on the network and one
/// activation should carry many at once; stateless, because a target's state belongs to the local scheduler.
/// Idle workers may be removed by Orleans: they hold no timers, and the scheduler's next call re-creates them.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class ScrapeWorkerGrain(ScrapeScheduler scheduler, TargetScraper scraper) : Grain, IScrapeWorkerGrain
{
    public Task<ScrapeReport> Scrape(TargetRef target, long slotMs)
    {
        if (!scheduler.TryGetWork(target, out var job, out var scrapeTarget, out var state))
        {
            return Task.FromResult(new ScrapeReport(false, 0, 0, "target is no longer scraped by this silo"));
        }
        return (job.Executor ?? scraper).ScrapeAsync(job, scrapeTarget, state, slotMs, CancellationToken.None);
    }
}
