using System.Text;
using AlloyOrleans.Grains.Placement;
using AlloyOrleans.Grains.Scrape;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace AlloyOrleans.Tests.Cluster;

/// <summary>
/// <c>clustering { balance = "samples" }</c> on three real Orleans silos scraping loopback targets of very different
/// sizes: the silos converge on one weights table, no silo carries much more than its share of samples, and the
/// rebalancing moves go through the hand-off — every target scraped exactly once in every slot throughout.
/// </summary>
[Collection(ClusterTestCollection.Name)]
public sealed class BalancedScrapingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private const int TargetCount = 45;

    /// <summary>Series per target: three of 3,000, six of 800, the rest 50.</summary>
    private static int SizeOf(int target) => target < 3 ? 3000 : target < 9 ? 800 : 50;

    private static void ServeSizes(Infrastructure.ScrapeTargetServer server)
    {
        for (var target = 0; target < TargetCount; target++)
        {
            var body = new StringBuilder("# TYPE test_series gauge\n");
            for (var series = 0; series < SizeOf(target); series++)
            {
                body.Append("test_series{target=\"").Append(target).Append("\",series=\"").Append(series).Append("\"} 1\n");
            }
            server.Serve(target, body.ToString());
        }
    }

    [Fact]
    public async Task Silos_converge_on_balanced_samples_without_a_duplicate_or_a_missed_slot()
    {
        await using var cluster = await ScrapeTestCluster.StartAsync(3, TargetCount, Interval, balance: ScrapeBalance.Samples, serve: ServeSizes);
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(30)), "ownership did not settle");
        var from = Now() + 500;
        var ringPeak = PeakToMean(cluster);
        output.WriteLine($"plain ring: peak/mean samples per silo {ringPeak:F3}");

        // Converged: every silo holds the same published table and every target has one owner under it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (DateTime.UtcNow < deadline && !(OneTableEverywhere(cluster) && Exclusive(cluster)))
        {
            await Task.Delay(200);
        }
        Assert.True(OneTableEverywhere(cluster), "the silos did not converge on one weights table");
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(20)), "ownership did not settle under the table");
        await Task.Delay(Interval * 4);
        var to = Now() - 1000;

        var balancedPeak = PeakToMean(cluster);
        output.WriteLine($"peak/mean samples per silo: plain ring {ringPeak:F3}, balanced {balancedPeak:F3}");
        Assert.InRange(balancedPeak, 1, 1.15);
        AssertExactlyOncePerSlot(cluster, from, to);
    }

    private static bool Exclusive(ScrapeTestCluster cluster)
    {
        var assignments = cluster.Assignments();
        return assignments.Count == TargetCount && assignments.Values.All(o => o.Count == 1);
    }

    private static bool OneTableEverywhere(ScrapeTestCluster cluster)
    {
        var versions = cluster.Cluster.Silos
            .Select(s => ScrapeTestCluster.Services(s).GetRequiredService<PlacementTables>().TableOf(ScrapeTestCluster.ComponentId))
            .Select(t => (t.Version, t.Count)).Distinct().ToList();
        return versions.Count == 1 && versions[0].Version != 0;
    }

    /// <summary>The busiest silo's series over the mean, from who scrapes what now.</summary>
    private static double PeakToMean(ScrapeTestCluster cluster)
    {
        var bySilo = cluster.Cluster.Silos.ToDictionary(s => ScrapeTestCluster.Scheduler(s).NodeName, _ => 0.0);
        foreach (var (key, owners) in cluster.Assignments())
        {
            var target = Enumerable.Range(0, TargetCount).Single(t => cluster.KeyOf(t) == key);
            foreach (var owner in owners)
            {
                bySilo[owner] += SizeOf(target);
            }
        }
        return bySilo.Values.Max() / bySilo.Values.Average();
    }

    private void AssertExactlyOncePerSlot(ScrapeTestCluster cluster, long fromMs, long toMs)
    {
        var perSlot = cluster.ScrapesPerSlot(fromMs, toMs);
        var duplicates = perSlot.Sum(p => p.Value.Count(c => c > 1));
        var gaps = perSlot.Sum(p => p.Value.Count(c => c == 0));
        output.WriteLine($"{perSlot.Sum(p => p.Value.Length)} target slots checked: {duplicates} duplicated, {gaps} missed");
        foreach (var (target, counts) in perSlot.Where(p => p.Value.Any(c => c != 1)).Take(5))
        {
            output.WriteLine($"target {target}: [{string.Join(",", counts)}]");
        }
        Assert.All(perSlot.Values, counts => Assert.True(counts.Length >= 4));
        Assert.Equal(0, duplicates);
        Assert.Equal(0, gaps);
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
