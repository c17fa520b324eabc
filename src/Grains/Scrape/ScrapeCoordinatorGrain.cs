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
public sealed class ScrapeCoordinatorGrain(ScrapeScheduler scheduler, ClusterViewService cluster) : Grain, IScrapeCoordinatorGrain
{
    public Task<TargetHandOff[]> Release(string requester, TargetRef[] targets) =>
        Task.FromResult(scheduler.Release(requester, targets));

    public Task Accept(string sender, TargetHandOff[] handOffs)
    {
        scheduler.Accept(sender, handOffs);
        return Task.CompletedTask;
    }

    public Task<ScrapeSiloStatus> GetStatus()
    {
        var view = cluster.Current;
        return Task.FromResult(new ScrapeSiloStatus(view.LocalName, view.IsReady, scheduler.Snapshot().Count, view.Ring.Nodes.Count));
    }
}
