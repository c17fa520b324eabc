using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Pyroscope;
using AlloyOrleans.Tests.Infrastructure;
using Xunit;
using static AlloyOrleans.Tests.Pyroscope.ProfileScrapeHarness;

namespace AlloyOrleans.Tests.Pyroscope;

/// <summary>
/// pyroscope.scrape against real Go programs: Debian's prometheus and vmagent serve Go's <c>/debug/pprof/*</c>. Every
/// default profile type is scraped, what reaches the receiver is decoded, and its profile type, Go's sample types,
/// labels and the delta <c>seconds</c> request are checked.
/// </summary>
public sealed class PprofScrapeProcessTests(PrometheusReceiver prometheus, VmagentProcess vmagent)
    : IClassFixture<PrometheusReceiver>, IClassFixture<VmagentProcess>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

    [Fact]
    public Task Prometheus_serves_every_default_profile_type_with_go_sample_types() => ScrapeEveryDefaultTypeAsync(prometheus.BaseAddress.Authority);

    /// <remarks>
    /// vmagent's <c>/debug/pprof/mutex</c> samples for 10 s before it answers: past the 5 s timeout, that profile type
    /// fails on its own while the other four of the same process are scraped.
    /// </remarks>
    [Fact]
    public Task Vmagent_serves_every_default_profile_type_but_its_slow_mutex_profile_fails_alone() =>
        ScrapeEveryDefaultTypeAsync(vmagent.Address, timingOut: "mutex");

    [Fact]
    public async Task Memory_profiles_are_pushed_as_the_change_since_the_previous_scrape()
    {
        using var harness = new ProfileScrapeHarness(Interval, TimeSpan.FromSeconds(5));
        var memory = harness.Targets(LabelSet.From(("__address__", vmagent.Address)), [new("memory", "/debug/pprof/allocs", false)]).Single();

        Assert.True((await harness.ScrapeAsync(memory)).Up);
        Assert.Empty(harness.Sink.Profiles); // the first profile is the baseline
        await Task.Delay(1000);
        Assert.True((await harness.ScrapeAsync(memory)).Up);
        using var http = new HttpClient();
        var cumulative = ProfileDecoder.Decode(await http.GetByteArrayAsync($"http://{vmagent.Address}/debug/pprof/allocs"), 0);

        var (labels, delta, _) = Assert.Single(harness.Sink.Profiles);
        Assert.Equal("false", labels.Get("__delta__"));
        Assert.Equal("memory", labels.Get("__name__"));
        Assert.InRange(delta.DurationNanos, 900_000_000L, 10_000_000_000L);
        var space = SampleTypes(delta).ToList().IndexOf(("alloc_space", "bytes"));
        var deltaSpace = delta.Sample.Sum(s => s.Value[space]);
        var totalSpace = cumulative.Sample.Sum(s => s.Value[space]);
        Assert.InRange(deltaSpace, 0, totalSpace - 1); // strictly less than everything allocated since start
        Assert.All(delta.Sample, s => Assert.Contains(s.Value, v => v != 0));
    }

    private static async Task ScrapeEveryDefaultTypeAsync(string address, string? timingOut = null)
    {
        using var harness = new ProfileScrapeHarness(Interval, TimeSpan.FromSeconds(5));
        var targets = harness.Targets(LabelSet.From(("__address__", address), ("env", "test")), Defaults())
            .ToDictionary(t => t.DiscoveredLabels.Get("__name__"));
        Assert.Equal(["block", "goroutine", "memory", "mutex", "process_cpu"], targets.Keys.Order());
        Assert.Equal(5, targets.Values.Select(t => t.Key).Distinct().Count());
        Assert.Equal($"http://{address}/debug/pprof/profile?seconds=2", targets["process_cpu"].Url.ToString());
        Assert.Equal($"http://{address}/debug/pprof/allocs", targets["memory"].Url.ToString());

        // Two rounds: cumulative types push from their second scrape on.
        for (var round = 0; round < 2; round++)
        {
            var reports = (await Task.WhenAll(targets.Values.Select(harness.ScrapeAsync)))
                .Zip(targets.Keys, (report, name) => (report, name));
            foreach (var (report, name) in reports)
            {
                if (name == timingOut)
                {
                    Assert.False(report.Up);
                    Assert.Equal("context deadline exceeded (timeout 5s)", report.Error);
                }
                else
                {
                    Assert.True(report.Up, $"{name}: {report.Error}");
                }
            }
        }

        var pushed = harness.Sink.Profiles.GroupBy(p => p.Labels.Get("__name__")).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(2, pushed["process_cpu"].Count);
        Assert.Equal(2, pushed["goroutine"].Count);
        Assert.Single(pushed["memory"]);
        Assert.Single(pushed["block"]);

        var cpu = pushed["process_cpu"][0].Profile;
        Assert.Equal([("samples", "count"), ("cpu", "nanoseconds")], SampleTypes(cpu));
        Assert.InRange(cpu.DurationNanos, 1_900_000_000L, 3_000_000_000L); // the request asked for seconds=2
        Assert.Equal([("goroutine", "count")], SampleTypes(pushed["goroutine"][0].Profile));
        Assert.NotEmpty(pushed["goroutine"][0].Profile.Sample);
        Assert.Equal([("alloc_objects", "count"), ("alloc_space", "bytes"), ("inuse_objects", "count"), ("inuse_space", "bytes")],
            SampleTypes(pushed["memory"][0].Profile));
        if (timingOut == "mutex")
        {
            Assert.False(pushed.ContainsKey("mutex"));
        }
        else
        {
            Assert.Equal([("contentions", "count"), ("delay", "nanoseconds")], SampleTypes(Assert.Single(pushed["mutex"]).Profile));
        }
        Assert.Equal([("contentions", "count"), ("delay", "nanoseconds")], SampleTypes(pushed["block"][0].Profile));

        foreach (var (name, profiles) in pushed)
        {
            var labels = profiles[0].Labels;
            var delta = name is "memory" or "mutex" or "block";
            Assert.Equal(delta ? ["__delta__", "__name__", "env", "instance", "job", "service_name"] : ["__name__", "env", "instance", "job", "service_name"],
                labels.Select(l => l.Name));
            Assert.Equal(address, labels.Get("instance"));
            Assert.Equal("pyroscope.scrape.test", labels.Get("job"));
            Assert.Equal("unspecified", labels.Get("service_name"));
            Assert.All(profiles, p => Assert.True(ProfileDecoder.IsGzip(p.Raw)));
        }
    }
}
