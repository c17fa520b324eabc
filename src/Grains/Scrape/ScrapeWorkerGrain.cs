using AlloyOrleans.Grains.Abstractions;
using Orleans.Concurrency;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// Runs scrapes on the silo that calls it. Reentrant, because a scrape mostly waits on the network and one
/// activation should carry many at once; stateless, because the work arrives whole in the call (a job kind's
/// executor, or the metrics scraper). Idle workers may be removed by Orleans: they hold no timers, and the
/// scheduler's next call re-creates them.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class ScrapeWorkerGrain(TargetScraper scraper) : Grain, IScrapeWorkerGrain
{
    public Task<ScrapeReport> Scrape(ScrapeWork work) =>
        (work.Job.Executor ?? scraper).ScrapeAsync(work.Job, work.ScrapeTarget, work.State, work.SlotMs, CancellationToken.None);
}
