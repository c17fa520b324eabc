using System.Text;
using AlloyOrleans.Grains.Scrape;
using AlloyOrleans.Silo.Http;
using AlloyOrleans.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit;
using Xunit.Abstractions;

namespace AlloyOrleans.Tests.Pyroscope.Cluster;

/// <summary>
/// pyroscope.scrape clustered exactly as prometheus.scrape: real Orleans silos in one process share 40 pprof targets
/// × 2 profile types. Scrapes are counted per target and profile type per slot at the target server; a duplicate or a
/// gap fails the test, across a join and a graceful leave.
/// </summary>
[Collection(ClusterTestCollection.Name)]
public sealed class ProfileClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private const int TargetCount = 40;

    [Fact]
    public async Task Two_silos_split_the_profile_targets_and_a_third_joins_without_gap_or_duplicate()
    {
        await using var cluster = await ProfileTestCluster.StartAsync(2, TargetCount, Interval);
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(30)), "ownership did not settle");
        var from = Now() + 500;
        await Task.Delay(Interval * 3);
        var perSilo = cluster.Assignments().Values.GroupBy(o => o.Single()).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine("two silos: " + string.Join(", ", perSilo.Select(p => $"{p.Key}: {p.Value}")));
        Assert.Equal(2, perSilo.Count);

        var before = cluster.Assignments().ToDictionary(p => p.Key, p => p.Value.Single());
        var joined = await cluster.AddSiloAsync();
        var joinedName = ProfileTestCluster.Scheduler(joined).NodeName;
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(30)), "ownership did not settle after the join");
        await Task.Delay(Interval * 4);
        var to = Now() - 1000;

        var moved = cluster.Assignments().Where(p => before[p.Key] != p.Value.Single()).ToList();
        output.WriteLine($"moved {moved.Count} of {cluster.Targets.Count} profile targets to {joinedName}");
        Assert.NotEmpty(moved);
        Assert.All(moved, p => Assert.Equal(joinedName, p.Value.Single()));
        AssertExactlyOncePerSlot(cluster, from, to, minimumSlots: 5);
        AssertPushed(cluster);
    }

    [Fact]
    public async Task A_silo_that_stops_gracefully_hands_its_profile_targets_over_without_gap_or_duplicate()
    {
        await using var cluster = await ProfileTestCluster.StartAsync(3, TargetCount, Interval);
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(30)), "ownership did not settle");
        var leaving = cluster.Cluster.SecondarySilos[0];
        var leavingName = ProfileTestCluster.Scheduler(leaving).NodeName;
        Assert.Contains(cluster.Assignments().Values, owners => owners.Single() == leavingName);
        var from = Now() + 500;
        await Task.Delay(Interval * 2);

        await cluster.Cluster.StopSiloAsync(leaving);
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(30)), "ownership did not settle after the leave");
        await Task.Delay(Interval * 4);
        var to = Now() - 1000;

        Assert.DoesNotContain(cluster.Assignments().Values, owners => owners.Contains(leavingName));
        AssertExactlyOncePerSlot(cluster, from, to, minimumSlots: 5);
        AssertPushed(cluster);
    }

    [Fact]
    public async Task A_profile_target_serving_garbage_is_down_with_its_error_on_the_targets_page_and_nothing_else_changes()
    {
        await using var cluster = await ProfileTestCluster.StartAsync(2, TargetCount, Interval);
        cluster.Server.Serve(3, "goroutine", Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body>no profiles here</body></html>"));
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(30)), "ownership did not settle");
        var from = Now() + 500;
        await Task.Delay(Interval * 3);
        var to = Now() - 1000;

        var listed = cluster.Cluster.Silos.SelectMany(Overview).ToList();
        Assert.All(listed, c => Assert.Equal("profiles", c.Kind));
        var targets = listed.SelectMany(c => c.Targets).ToList();
        Assert.Equal(cluster.Targets.Count, targets.Count);
        Assert.Equal(TargetCount, targets.Count(t => t.ProfileType == "goroutine"));
        Assert.Equal(TargetCount, targets.Count(t => t.ProfileType == "memory"));
        var down = Assert.Single(targets, t => t.Health != "up");
        Assert.Equal(("3", "goroutine", "down"), (down.Labels["target"], down.ProfileType, down.Health));
        Assert.StartsWith("not a pprof profile: ", down.LastError);
        Assert.EndsWith("/t/3/debug/pprof/goroutine", down.Url);
        AssertExactlyOncePerSlot(cluster, from, to, minimumSlots: 2);
    }

    /// <remarks>
    /// A CPU profile's request blocks for about an interval (seconds = interval - 1 s), past Orleans' 30 s call timeout
    /// at intervals over ~20 s. Here the silos' call timeout is 1 s and the target answers after 2 s: the scrape must
    /// still be reported, bounded by its own scrape timeout, not lost to the grain call's.
    /// </remarks>
    [Fact]
    public async Task A_profile_scrape_longer_than_the_grain_call_timeout_is_still_reported()
    {
        await using var cluster = await ProfileTestCluster.StartAsync(1, 1, TimeSpan.FromSeconds(4),
            responseTimeout: TimeSpan.FromSeconds(1), scrapeTimeout: TimeSpan.FromSeconds(3));
        cluster.Server.Slow(0, "goroutine", TimeSpan.FromSeconds(2));
        Assert.True(await cluster.WaitForExclusiveOwnershipAsync(TimeSpan.FromSeconds(30)), "ownership did not settle");
        await Task.Delay(TimeSpan.FromSeconds(9));

        var goroutine = Overview(cluster.Cluster.Silos[0]).SelectMany(c => c.Targets).Single(t => t.ProfileType == "goroutine");
        Assert.Equal("up", goroutine.Health);
        // The server's 2 s is a timer on the millisecond tick count, which can fire up to a tick before 2 s by the
        // scraper's high-resolution clock (a run measured 1.99916 s).
        Assert.InRange(goroutine.LastScrapeDurationSeconds!.Value, 1.995, 3);
    }

    private static IReadOnlyList<ComponentTargets> Overview(SiloHandle silo)
    {
        var services = ((InProcessSiloHandle)silo).SiloHost.Services;
        return new TargetsOverview(services.GetRequiredService<ScrapeTargetRegistry>(), ProfileTestCluster.Scheduler(silo)).Get(null);
    }

    /// <summary>Every scrape of every target and type reached the receiver, memory as deltas after its baseline.</summary>
    private static void AssertPushed(ProfileTestCluster cluster)
    {
        var pushed = cluster.Sink.Profiles.GroupBy(p => (p.Labels.Get("target"), p.Labels.Get("__name__"))).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (target, type, _) in cluster.Targets)
        {
            Assert.True(pushed.TryGetValue((target.ToString(), type), out var profiles), $"nothing pushed for target {target} {type}");
            if (type == "memory")
            {
                Assert.All(profiles, p => Assert.Equal("false", p.Labels.Get("__delta__")));
            }
        }
    }

    private void AssertExactlyOncePerSlot(ProfileTestCluster cluster, long fromMs, long toMs, int minimumSlots)
    {
        var perSlot = cluster.ScrapesPerSlot(fromMs, toMs);
        var duplicates = perSlot.Sum(p => p.Value.Count(c => c > 1));
        var gaps = perSlot.Sum(p => p.Value.Count(c => c == 0));
        output.WriteLine($"{perSlot.Sum(p => p.Value.Length)} target × type slots checked: {duplicates} duplicated, {gaps} missed");
        foreach (var (index, counts) in perSlot.Where(p => p.Value.Any(c => c != 1)).Take(5))
        {
            output.WriteLine($"target {cluster.Targets[index].Target} {cluster.Targets[index].Type}: [{string.Join(",", counts)}]");
        }
        Assert.All(perSlot.Values, counts => Assert.True(counts.Length >= minimumSlots, $"{counts.Length} slots"));
        Assert.Equal(0, duplicates);
        Assert.Equal(0, gaps);
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
