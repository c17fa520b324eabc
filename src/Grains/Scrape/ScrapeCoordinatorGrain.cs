using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Membership;
using Orleans.Concurrency;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// This silo's endpoint for hand-offs, placed on the silo whose node name is its key. It only forwards to the
/// local scheduler, which does the bookkeeping under its own lock.
/// </summary>
[SiloNamePlacement]
[Reentrant]
public sealed class ScrapeCoordinatorGrain(ScrapeScheduler scheduler, ScrapeTargetRegistry registry, ClusterViewService cluster) : Grain, IScrapeCoordinatorGrain
{
    public Task<ReleaseAnswer[]> Release(string requester, int requesterGeneration, TargetRef[] targets) =>
        scheduler.ReleaseAsync(requester, requesterGeneration, targets);

    public Task<bool[]> Accept(string sender, TargetHandOff[] handOffs) =>
        Task.FromResult(scheduler.Accept(sender, handOffs));

    public Task Ping() => Task.CompletedTask;

    public Task<ScrapeSiloStatus> GetStatus()
    {
        var view = cluster.Current;
        var scraping = scheduler.Snapshot();
        double samplesPerSecond = 0;
        var down = 0;
        foreach (var scheduled in scraping)
        {
            if (scheduled.LastReport is not { } report)
            {
                continue;
            }
            if (!report.Up)
            {
                down++;
            }
            if (registry.TryGet(scheduled.Target, out var job, out _))
            {
                samplesPerSecond += report.SamplesScraped / job.Interval.TotalSeconds;
            }
        }
        return Task.FromResult(new ScrapeSiloStatus(view.LocalName, view.IsReady, scraping.Count, view.Ring.Nodes.Count, samplesPerSecond, down));
    }
}
