using Xunit;
using Xunit.Abstractions;

namespace AlloyOrleans.Tests.Cluster;

/// <summary>
/// Three or four real Orleans silos in one process scrape 300 real loopback targets. Every test counts scrapes per
/// target per slot at the target server and fails on a duplicate or a gap.
/// </summary>
[Collection(ClusterTestCollection.Name)]
public sealed class ClusteredScrapingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private const int TargetCount = 300;

    [Fact]
    public async Task Every_target_is_scraped_by_exactly_one_silo_in_every_slot()
    {
        await using var cluster = await ScrapeTestCluster.StartAsync(3, TargetCount, Interval);
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(30)), "ownership did not settle");
        var from = Now() + 500;
        await Task.Delay(Interval * 4);
        var to = Now() - 1000;

        AssertExactlyOncePerSlot(cluster, from, to, minimumSlots: 2);
        var perSilo = cluster.Assignments().Values.GroupBy(o => o.Single()).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Join(", ", perSilo.Select(p => $"{p.Key}: {p.Value}")));
        Assert.Equal(3, perSilo.Count);
        Assert.All(perSilo.Values, count => Assert.InRange(count, TargetCount / 3 * 0.6, TargetCount / 3 * 1.4));
    }

    [Fact]
    public async Task A_joining_silo_takes_about_a_quarter_of_the_targets_from_the_others_without_gap_or_duplicate()
    {
        await using var cluster = await ScrapeTestCluster.StartAsync(3, TargetCount, Interval);
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(30)), "ownership did not settle");
        var before = cluster.Assignments().ToDictionary(p => p.Key, p => p.Value.Single());
        var from = Now();

        var joined = await cluster.AddSiloAsync();
        var joinedName = ScrapeTestCluster.Scheduler(joined).NodeName;
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(30)), "ownership did not settle after the join");
        await Task.Delay(Interval * 4);
        var to = Now() - 1000;

        var after = cluster.Assignments().ToDictionary(p => p.Key, p => p.Value.Single());
        var moved = after.Where(p => before[p.Key] != p.Value).ToList();
        output.WriteLine($"moved {moved.Count} of {TargetCount} targets to {joinedName}");
        Assert.All(moved, p => Assert.Equal(joinedName, p.Value));
        Assert.InRange(moved.Count / (double)TargetCount, 0.15, 0.35);
        AssertExactlyOncePerSlot(cluster, from, to, minimumSlots: 3);
    }

    [Fact]
    public async Task A_silo_that_stops_gracefully_hands_its_targets_to_the_survivors_within_one_interval()
    {
        await using var cluster = await ScrapeTestCluster.StartAsync(3, TargetCount, Interval);
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(30)), "ownership did not settle");
        var leaving = cluster.Cluster.SecondarySilos[0];
        var leavingName = ScrapeTestCluster.Scheduler(leaving).NodeName;
        var leaversTargets = cluster.Assignments().Where(p => p.Value.Single() == leavingName).Select(p => p.Key).ToHashSet();
        Assert.NotEmpty(leaversTargets);
        var from = Now();

        await cluster.Cluster.StopSiloAsync(leaving);
        var stopped = Now();
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(30)), "ownership did not settle after the leave");
        var settled = Now();
        await Task.Delay(Interval * 4);
        var to = Now() - 1000;

        output.WriteLine($"{leaversTargets.Count} targets handed over; ownership settled {settled - stopped} ms after stop returned");
        Assert.DoesNotContain(cluster.Assignments().Values, owners => owners.Contains(leavingName));
        AssertExactlyOncePerSlot(cluster, from, to, minimumSlots: 3);
    }

    [Fact]
    public async Task A_malformed_exposition_sets_up_to_zero_for_that_target_and_nothing_else_changes()
    {
        await using var cluster = await ScrapeTestCluster.StartAsync(3, TargetCount, Interval);
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(30)), "ownership did not settle");
        const int broken = 7;
        cluster.Server.ServeMalformed(broken);
        var from = Now() + 500;
        await Task.Delay(Interval * 3);
        var to = Now() - 1000;

        var latestUp = cluster.Sink.Samples
            .Where(s => s.Labels.Get("__name__") == "up" && s.TimestampMs >= from && s.TimestampMs < to)
            .GroupBy(s => s.Labels.Get("target"))
            .ToDictionary(g => int.Parse(g.Key), g => g.Select(s => s.Value).Distinct().ToList());
        Assert.Equal(TargetCount, latestUp.Count);
        Assert.Equal([0.0], latestUp[broken]);
        Assert.All(latestUp.Where(p => p.Key != broken), p => Assert.Equal([1.0], p.Value));
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(1)), "ownership changed");
        AssertExactlyOncePerSlot(cluster, from, to, minimumSlots: 2);
    }

    [Fact]
    public async Task Two_active_silos_with_one_name_do_not_both_scrape_and_the_later_one_owns_nothing()
    {
        await using var cluster = await ScrapeTestCluster.StartAsync(3, TargetCount, Interval, renameLastSiloTo: "Secondary_1");
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(30)), "ownership did not settle");
        var from = Now() + 500;
        await Task.Delay(Interval * 3);
        AssertExactlyOncePerSlot(cluster, from, Now() - 1000, minimumSlots: 2);

        var schedulers = cluster.Cluster.Silos.Select(ScrapeTestCluster.Scheduler).ToList();
        var namesakes = schedulers.Where(s => s.NodeName == "Secondary_1").Select(s => s.Snapshot().Count).Order().ToList();
        Assert.Equal(2, namesakes.Count);
        Assert.Equal(0, namesakes[0]);
        Assert.True(namesakes[1] > 0);
    }

    [Fact]
    public async Task With_wait_for_size_three_two_silos_scrape_nothing_until_the_third_joins()
    {
        await using var cluster = await ScrapeTestCluster.StartAsync(2, 60, Interval, waitForSize: 3);
        await Task.Delay(Interval * 2);
        Assert.Equal(0, cluster.Server.TotalScrapes);
        Assert.Empty(cluster.Assignments());

        await cluster.AddSiloAsync();
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(30)), "scraping did not start once the third silo joined");
        var from = Now() + 500;
        await Task.Delay(Interval * 3);
        AssertExactlyOncePerSlot(cluster, from, Now() - 1000, minimumSlots: 2);
    }

    [Fact]
    public async Task With_a_wait_timeout_two_silos_proceed_without_the_third()
    {
        await using var cluster = await ScrapeTestCluster.StartAsync(2, 60, Interval, waitForSize: 3, waitTimeout: TimeSpan.FromSeconds(8));
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(30)), "silos did not proceed after the wait timeout");
        var from = Now() + 500;
        await Task.Delay(Interval * 3);
        AssertExactlyOncePerSlot(cluster, from, Now() - 1000, minimumSlots: 2);
    }

    private void AssertExactlyOncePerSlot(ScrapeTestCluster cluster, long fromMs, long toMs, int minimumSlots)
    {
        var perSlot = cluster.ScrapesPerSlot(fromMs, toMs);
        var duplicates = perSlot.Sum(p => p.Value.Count(c => c > 1));
        var gaps = perSlot.Sum(p => p.Value.Count(c => c == 0));
        var slots = perSlot.Sum(p => p.Value.Length);
        output.WriteLine($"{slots} target slots checked: {duplicates} duplicated, {gaps} missed");
        foreach (var (target, counts) in perSlot.Where(p => p.Value.Any(c => c != 1)).Take(5))
        {
            output.WriteLine($"target {target}: [{string.Join(",", counts)}]");
        }
        Assert.All(perSlot.Values, counts => Assert.True(counts.Length >= minimumSlots));
        Assert.Equal(0, duplicates);
        Assert.Equal(0, gaps);
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
