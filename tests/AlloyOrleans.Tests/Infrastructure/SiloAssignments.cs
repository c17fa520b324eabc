using AlloyOrleans.Grains.Scrape;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace AlloyOrleans.Tests.Infrastructure;

/// <summary>Which in-process silo scrapes which target, read from each silo's scheduler (any job kind).</summary>
public static class SiloAssignments
{
    public static ScrapeScheduler Scheduler(SiloHandle silo) => ((InProcessSiloHandle)silo).SiloHost.Services.GetRequiredService<ScrapeScheduler>();

    /// <summary>Which silo (by node name) scrapes each target now; a target scraped by two silos appears twice.</summary>
    public static Dictionary<ulong, List<string>> Of(IEnumerable<SiloHandle> silos)
    {
        var result = new Dictionary<ulong, List<string>>();
        foreach (var silo in silos)
        {
            var scheduler = Scheduler(silo);
            foreach (var scheduled in scheduler.Snapshot())
            {
                (result.TryGetValue(scheduled.Target.Key, out var list) ? list : result[scheduled.Target.Key] = []).Add(scheduler.NodeName);
            }
        }
        return result;
    }

    /// <summary>Waits until each of <paramref name="targetCount"/> targets is scraped by exactly one silo, or the timeout passes.</summary>
    public static async Task<bool> WaitForExclusiveOwnershipAsync(TestCluster cluster, int targetCount, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var assignments = Of(cluster.Silos);
            if (assignments.Count == targetCount && assignments.Values.All(owners => owners.Count == 1))
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }
}
