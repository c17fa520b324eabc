using System.Text.Json;
using AlloyOrleans.Grains.Pyroscope;
using AlloyOrleans.Grains.Pyroscope.Pprof;
using AlloyOrleans.Tests.Infrastructure;
using AlloyOrleans.Tests.Production;
using Xunit;
using Xunit.Abstractions;

namespace AlloyOrleans.Tests.Pyroscope.Cluster;

/// <summary>
/// pyroscope.scrape in real silo processes on PostgreSQL membership: two silos split 20 profile targets × 2 profile
/// types whose bodies come from real Go programs (a Prometheus and a vmagent, Go's own <c>/debug/pprof</c>), a third
/// joins, one leaves gracefully. Scrapes are counted per target, profile type and slot at the forwarding target server
/// (a duplicate or a gap fails), and every profile pushed to the loopback receiver is decoded and accounted for.
/// </summary>
[Collection(ProductionTestCollection.Name)]
public sealed class ProfileProcessClusterTests(PostgresFixture postgres, PrometheusReceiver prometheus, VmagentProcess vmagent, ITestOutputHelper output)
    : IClassFixture<PrometheusReceiver>, IClassFixture<VmagentProcess>
{
    private const int TargetCount = 20;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Silo_processes_scrape_each_real_profile_target_and_type_once_per_slot_across_a_join_and_a_graceful_leave()
    {
        var connectionString = await postgres.NewDatabaseAsync();
        await SiloProcessCluster.DbInitThroughTheBinaryAsync(connectionString);
        var workload = await RealPprofTargets.StartAsync(TargetCount, [prometheus.BaseAddress.Authority, vmagent.Address]);
        await using var cluster = await SiloProcessCluster.StartAsync(connectionString, workload, Interval);
        await Task.WhenAll(cluster.StartSiloAsync("a"), cluster.StartSiloAsync("b"));
        var two = await cluster.WaitForStableOwnershipAsync(["a", "b"], SettleTimeout);
        var from = SiloProcessCluster.Now();

        await cluster.StartSiloAsync("c");
        var three = await cluster.WaitForStableOwnershipAsync(["a", "b", "c"], SettleTimeout);
        var joined = three.Where(o => two[o.Key] != o.Value).ToList();
        output.WriteLine($"join: {joined.Count} of {workload.Count} profile targets moved");
        Assert.NotEmpty(joined);
        Assert.All(joined, o => Assert.Equal("c", o.Value));

        cluster["b"].Process!.Terminate();
        Assert.Equal(0, await cluster["b"].Process!.WaitForExitAsync(TimeSpan.FromSeconds(40)));
        var after = await cluster.WaitForStableOwnershipAsync(["a", "c"], SettleTimeout);
        output.WriteLine($"leave: {three.Count(o => o.Value == "b")} profile targets of b handed over");
        Assert.All(three.Where(o => o.Value != "b"), o => Assert.Equal(o.Value, after[o.Key]));
        // The window must hold at least six whole slots of every target × type whatever its phase: when the join and
        // the leave settle quickly, keep scraping (the audited steady state after the leave) until it does.
        var interval = (long)Interval.TotalMilliseconds;
        var remaining = from + 8 * interval - SiloProcessCluster.Now();
        if (remaining > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(remaining));
        }
        var to = SiloProcessCluster.Now() - interval;

        var perSlot = cluster.ScrapesPerSlot(from, to);
        output.WriteLine($"{perSlot.Sum(p => p.Value.Length)} target × type slots checked: {perSlot.Sum(p => p.Value.Count(c => c > 1))} duplicated, {perSlot.Sum(p => p.Value.Count(c => c == 0))} missed");
        Assert.All(perSlot.Values, counts => Assert.True(counts.Length >= 6, $"only {counts.Length} slots checked"));
        cluster.AssertEverySlotExactlyOnce(from, to);

        await Task.Delay(TimeSpan.FromSeconds(1)); // the pushes of the last checked slots
        try
        {
            AssertEveryScrapePushedOnce(workload, from, to);
        }
        catch
        {
            output.WriteLine($"silo logs: {cluster.DumpLogs()}"); // a lost push is matched with the hand-offs logged around it
            throw;
        }
        await AssertTargetsPagesAndMetricsAsync(cluster, workload, ["a", "c"]);
    }

    /// <summary>
    /// The survivors' targets API lists every profile target and type once between them, up; their <c>/metrics</c>
    /// count what they pushed under Alloy's pyroscope.write names, labelled with the endpoint, and dropped nothing.
    /// </summary>
    private async Task AssertTargetsPagesAndMetricsAsync(SiloProcessCluster cluster, RealPprofTargets workload, string[] silos)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var listed = new List<(string Target, string Type, string Health)>();
        long sent = 0;
        foreach (var name in silos)
        {
            using var targets = JsonDocument.Parse(await http.GetStringAsync($"http://{cluster[name].HttpAddress}/api/v0/web/targets"));
            var component = Assert.Single(targets.RootElement.EnumerateArray());
            Assert.Equal("profiles", component.GetProperty("kind").GetString());
            listed.AddRange(component.GetProperty("targets").EnumerateArray().Select(t => (
                t.GetProperty("labels").GetProperty("target").GetString()!, t.GetProperty("profileType").GetString()!, t.GetProperty("health").GetString()!)));

            var metrics = (await http.GetStringAsync($"http://{cluster[name].HttpAddress}/metrics")).Split('\n');
            var endpoint = $"endpoint=\"{workload.Receiver.Url}\"";
            var sentHere = Counter(metrics, "pyroscope_write_sent_profiles_total", endpoint);
            output.WriteLine($"{name}: pyroscope_write_sent_profiles_total {sentHere}, sent_bytes {Counter(metrics, "pyroscope_write_sent_bytes_total", endpoint)}");
            Assert.True(sentHere > 0, $"{name} counted no pushed profile:\n{string.Join('\n', metrics.Where(l => l.StartsWith("pyroscope_", StringComparison.Ordinal)))}");
            Assert.True(Counter(metrics, "pyroscope_write_sent_bytes_total", endpoint) > 0);
            Assert.Contains(metrics, l => l.StartsWith("pyroscope_write_latency_bucket{", StringComparison.Ordinal) && l.Contains(endpoint, StringComparison.Ordinal));
            Assert.Equal(0, Counter(metrics, "pyroscope_write_dropped_profiles_total", endpoint));
            sent += sentHere;
        }
        Assert.Equal(workload.Count, listed.Count);
        Assert.Equal(workload.Targets.Select(t => (t.Target.ToString(), t.Type)).Order(), listed.Select(t => (t.Target, t.Type)).Order());
        Assert.All(listed, t => Assert.Equal("up", t.Health));
        Assert.InRange(sent, 1, workload.Receiver.Accepted.Count);
    }

    /// <summary>The value of a counter's series carrying the given label (0 when there is none).</summary>
    private static long Counter(IEnumerable<string> metrics, string name, string label) =>
        metrics.Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal))
            .Sum(l => (long)double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Every push decodes as the profile type it is labelled with, from the real program behind its target; each
    /// goroutine scrape is pushed once; each memory scrape is pushed once as a delta, except the first by each new
    /// owner (a baseline: profiles keep no state across a move).
    /// </summary>
    private void AssertEveryScrapePushedOnce(RealPprofTargets workload, long fromMs, long toMs)
    {
        var pushed = workload.Receiver.Accepted.SelectMany(r => r.Series).Select(series =>
        {
            var labels = series.Labels.ToDictionary(l => l.Name, l => l.Value);
            return (Labels: labels, Profile: ProfileDecoder.Decode(Assert.Single(series.Samples).RawProfile.Memory, 0));
        }).ToList();
        Assert.All(pushed, p =>
        {
            Assert.Equal(RealPprofTargets.JobName, p.Labels["job"]);
            Assert.Equal(workload.Server.Address, p.Labels["instance"]);
            Assert.Equal("unspecified", p.Labels["service_name"]);
            Assert.DoesNotContain(p.Labels.Keys, name => name.StartsWith("__", StringComparison.Ordinal) && name is not "__name__" and not "__delta__");
            var program = int.Parse(p.Labels["target"]) % 2 == 0 ? "github.com/prometheus/prometheus/" : "github.com/VictoriaMetrics/VictoriaMetrics/";
            Assert.Contains(p.Profile.StringTable, s => s.StartsWith(program, StringComparison.Ordinal));
            if (p.Labels["__name__"] == "memory")
            {
                Assert.Equal([("alloc_objects", "count"), ("alloc_space", "bytes"), ("inuse_objects", "count"), ("inuse_space", "bytes")], ProfileScrapeHarness.SampleTypes(p.Profile));
                Assert.Equal("false", p.Labels["__delta__"]);
                Assert.True(p.Profile.DurationNanos > 0, "a delta covers the time since the previous scrape");
            }
            else
            {
                Assert.Equal([("goroutine", "count")], ProfileScrapeHarness.SampleTypes(p.Profile));
                Assert.False(p.Labels.ContainsKey("__delta__"));
            }
        });

        var byTarget = pushed.ToLookup(p => (p.Labels["target"], p.Labels["__name__"]), p => p.Profile);
        var wrong = new List<string>();
        for (var i = 0; i < workload.Count; i++)
        {
            var (target, type, _) = workload.Targets[i];
            var key = workload.KeyOf(i);
            // Go stamps time_nanos as it answers, inside the slot of the scrape that asked.
            var pushes = SlotCounts.PerSlot([(key, [.. byTarget[(target.ToString(), type)].Select(p => p.TimeNanos / 1_000_000)])], Interval, fromMs, toMs)[0];
            var scrapes = workload.ScrapesOf(i);
            var baselines = type == "memory"
                ? scrapes.Where((s, n) => n == 0 || scrapes[n - 1].Scraper != s.Scraper).Select(s => s.TimeMs).ToList()
                : [];
            var expected = SlotCounts.PerSlot([(key, baselines)], Interval, fromMs, toMs)[0].Select(b => 1 - b).ToArray();
            if (!pushes.SequenceEqual(expected))
            {
                wrong.Add($"target {target} {type}: pushed [{string.Join(",", pushes)}], expected [{string.Join(",", expected)}]");
            }
        }
        output.WriteLine($"{pushed.Count} pushed profiles decoded; {wrong.Count} target × type with a lost or repeated push");
        Assert.True(wrong.Count == 0, string.Join("; ", wrong.Take(5)));
    }
}
