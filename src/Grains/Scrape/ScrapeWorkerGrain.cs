using AlloyOrleans.Grains.Abstractions;
using Microsoft.Extensions.Logging;
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
public sealed partial class ScrapeWorkerGrain(TargetScraper scraper, TimeProvider time, ILogger<ScrapeWorkerGrain> logger) : Grain, IScrapeWorkerGrain
{
    public Task WarmUp() => Task.CompletedTask;

    public Task<ScrapeReport> Scrape(ScrapeWork work)
    {
        // A slot picked up an interval or more after it was due (the process was frozen in between) is not scraped:
        // its samples would carry a timestamp that far before the scrape, and the target has another owner by now.
        var lateMs = time.GetUtcNow().ToUnixTimeMilliseconds() - work.SlotMs;
        if (lateMs >= ScrapeSlots.IntervalMs(work.Job.Interval))
        {
            LogPickedUpLate(work.Target.ComponentId, work.Target.Key, work.SlotMs, lateMs);
            return Task.FromResult(ScrapeReport.SkippedLate);
        }
        return (work.Job.Executor ?? scraper).ScrapeAsync(work.Job, work.ScrapeTarget, work.State, work.SlotMs, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ComponentId}: target {Key:x16} slot {SlotMs} reached the worker {LateMs} ms late; slot skipped")]
    private partial void LogPickedUpLate(string componentId, ulong key, long slotMs, long lateMs);
}
