using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Scrape;
using AlloyOrleans.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace AlloyOrleans.Tests.Scrape;

/// <summary>One target scraped as Prometheus 2.42 would, against a real loopback HTTP server.</summary>
public sealed class TargetScraperTests : IAsyncLifetime
{
    private const long Slot = 1_700_000_000_000;
    private ScrapeTargetServer _server = null!;
    private readonly RecordingSink _sink = new();
    private readonly ScrapeHttpClients _clients = new();
    private TargetScraper _scraper = null!;
    private readonly TargetScrapeState _state = new();

    public async Task InitializeAsync()
    {
        _server = await ScrapeTargetServer.StartAsync();
        _scraper = new TargetScraper(_clients, TimeProvider.System, NullLogger<TargetScraper>.Instance);
    }

    public async Task DisposeAsync()
    {
        _clients.Dispose();
        await _server.DisposeAsync();
    }

    private ScrapeJob Job(Func<ScrapeJob, ScrapeJob>? change = null)
    {
        var job = new ScrapeJob { ComponentId = "prometheus.scrape.unit", JobName = "unit", Timeout = TimeSpan.FromSeconds(2), ForwardTo = [_sink] };
        return change is null ? job : change(job);
    }

    private ScrapeTarget Target(ScrapeJob job, int id = 1) =>
        ScrapeTarget.Create(job, LabelSet.From(("__address__", _server.Address), ("__metrics_path__", $"/t/{id}"), ("team", "a")), out _)!;

    private async Task<ScrapeReport> Scrape(ScrapeJob job, long slot = Slot, int id = 1) =>
        await _scraper.ScrapeAsync(job, Target(job, id), _state, slot, CancellationToken.None);

    private List<Sample> At(long slot) => [.. _sink.Samples.Where(s => s.TimestampMs == slot)];

    private static double Value(IEnumerable<Sample> samples, string name) =>
        samples.Single(s => s.Labels.Get("__name__") == name).Value;

    [Fact]
    public async Task A_good_scrape_writes_the_samples_with_target_labels_and_the_synthetic_series()
    {
        _server.Serve(1, "# TYPE a counter\na_total{x=\"1\"} 3\nb 4.5\n");
        var report = await Scrape(Job());

        Assert.True(report.Up);
        var samples = At(Slot);
        var a = samples.Single(s => s.Labels.Get("__name__") == "a_total");
        Assert.Equal(3, a.Value);
        Assert.Equal("unit", a.Labels.Get("job"));
        Assert.Equal(_server.Address, a.Labels.Get("instance"));
        Assert.Equal("a", a.Labels.Get("team"));
        Assert.DoesNotContain(a.Labels, l => l.Name.StartsWith("__", StringComparison.Ordinal) && l.Name != "__name__");
        Assert.Equal(1, Value(samples, "up"));
        Assert.Equal(2, Value(samples, "scrape_samples_scraped"));
        Assert.Equal(2, Value(samples, "scrape_samples_post_metric_relabeling"));
        Assert.Equal(2, Value(samples, "scrape_series_added"));
        Assert.InRange(Value(samples, "scrape_duration_seconds"), 0, 2);
        Assert.Equal(samples.Count, samples.Select(s => s.Labels).Distinct().Count());
    }

    [Fact]
    public async Task The_series_cache_fits_its_series_after_they_arrive_and_still_knows_every_one()
    {
        var body = string.Concat(Enumerable.Range(0, 507).Select(i => $"m{{i=\"{i}\"}} {i}\n"));
        _server.Serve(1, body);
        var job = Job();
        await Scrape(job);
        // Doubling leaves up to half a dictionary empty; the cache gives that back once the series are in.
        Assert.InRange(_state.Series.Capacity, 507, 507 + 507 / 4);
        await Scrape(job, Slot + 15_000);
        var second = At(Slot + 15_000);
        Assert.Equal(0, Value(second, "scrape_series_added"));
        Assert.Equal(507 + 5, second.Count);
        Assert.DoesNotContain(second, s => Sample.IsStaleNaN(s.Value));
    }

    [Fact]
    public async Task Requests_carry_Prometheus_headers()
    {
        _server.Serve(1, "a 1\n");
        await Scrape(Job());
        var headers = _server.LastHeaders(1)!;
        Assert.Equal(TargetScraper.AcceptHeader, headers.Accept.ToString());
        Assert.Contains("gzip", headers.AcceptEncoding.ToString());
        Assert.Equal("2", headers["X-Prometheus-Scrape-Timeout-Seconds"].ToString());
    }

    [Fact]
    public async Task Gzip_and_OpenMetrics_bodies_are_read()
    {
        _server.Serve(1, "# TYPE a counter\na_total 7 1700000000.5\n# EOF\n", "application/openmetrics-text; version=1.0.0", gzip: true);
        var report = await Scrape(Job());
        Assert.True(report.Up, report.Error);
        var a = _sink.Samples.Single(s => s.Labels.Get("__name__") == "a_total");
        Assert.Equal(7, a.Value);
        Assert.Equal(1_700_000_000_500, a.TimestampMs);
    }

    [Fact]
    public async Task Honor_labels_false_renames_clashing_labels_and_true_keeps_them()
    {
        _server.Serve(1, "a{job=\"scraped\",exported_job=\"old\"} 1\n");
        await Scrape(Job());
        var renamed = At(Slot).Single(s => s.Labels.Get("__name__") == "a").Labels;
        Assert.Equal("unit", renamed.Get("job"));
        Assert.Equal("old", renamed.Get("exported_job"));
        Assert.Equal("scraped", renamed.Get("exported_exported_job"));

        await Scrape(Job(j => j with { HonorLabels = true }), Slot + 1000);
        var kept = At(Slot + 1000).Single(s => s.Labels.Get("__name__") == "a").Labels;
        Assert.Equal("scraped", kept.Get("job"));
        Assert.Equal("old", kept.Get("exported_job"));
    }

    [Fact]
    public async Task Honor_timestamps_uses_exposed_timestamps_unless_turned_off()
    {
        _server.Serve(1, "a 1 1600000000000\n");
        await Scrape(Job());
        Assert.Contains(_sink.Samples, s => s.Labels.Get("__name__") == "a" && s.TimestampMs == 1_600_000_000_000);

        await Scrape(Job(j => j with { HonorTimestamps = false }), Slot + 1000);
        Assert.Contains(_sink.Samples, s => s.Labels.Get("__name__") == "a" && s.TimestampMs == Slot + 1000);
    }

    [Fact]
    public async Task A_vanished_series_gets_a_staleness_marker_at_the_next_scrape()
    {
        _server.Serve(1, "a 1\nb 2\n");
        await Scrape(Job());
        _server.Serve(1, "a 1\n");
        await Scrape(Job(), Slot + 1000);

        var next = At(Slot + 1000);
        Assert.True(Sample.IsStaleNaN(Value(next, "b")));
        Assert.Equal(1, Value(next, "a"));
        Assert.Equal(0, Value(next, "scrape_series_added"));
    }

    [Fact]
    public async Task A_malformed_exposition_sets_up_to_zero_and_ends_the_previous_series()
    {
        _server.Serve(1, "a 1\nb 2\n");
        await Scrape(Job());
        _server.ServeMalformed(1);
        var report = await Scrape(Job(), Slot + 1000);

        Assert.False(report.Up);
        Assert.NotNull(report.Error);
        var failed = At(Slot + 1000);
        Assert.Equal(0, Value(failed, "up"));
        Assert.True(Sample.IsStaleNaN(Value(failed, "a")));
        Assert.True(Sample.IsStaleNaN(Value(failed, "b")));
        Assert.DoesNotContain(failed, s => s.Labels.Get("__name__") == "test_scrapes_total");

        _server.Serve(1, "a 5\n");
        Assert.True((await Scrape(Job(), Slot + 2000)).Up);
        Assert.Equal(5, Value(At(Slot + 2000), "a"));
    }

    [Fact]
    public async Task Exceeding_the_sample_limit_fails_the_whole_scrape()
    {
        _server.Serve(1, "a 1\nb 2\nc 3\n");
        var report = await Scrape(Job(j => j with { SampleLimit = 2 }));
        Assert.False(report.Up);
        Assert.Contains("sample limit", report.Error);
        Assert.DoesNotContain(_sink.Samples, s => s.Labels.Get("__name__") is "a" or "b" or "c");
        Assert.Equal(0, Value(At(Slot), "up"));
    }

    [Fact]
    public async Task Reaching_the_body_size_limit_fails_the_scrape()
    {
        _server.Serve(1, string.Concat(Enumerable.Range(0, 200).Select(i => $"metric_{i} {i}\n")));
        var report = await Scrape(Job(j => j with { BodySizeLimitBytes = 1000 }));
        Assert.False(report.Up);
        Assert.Contains("body size limit", report.Error);
    }

    [Fact]
    public async Task A_target_slower_than_the_scrape_timeout_fails_the_scrape()
    {
        _server.Serve(1, "a 1\n", delay: TimeSpan.FromSeconds(3));
        var report = await Scrape(Job(j => j with { Timeout = TimeSpan.FromMilliseconds(300) }));
        Assert.False(report.Up);
        Assert.Contains("deadline", report.Error);
    }

    [Fact]
    public async Task The_same_series_twice_keeps_the_first_value()
    {
        _server.Serve(1, "a{x=\"1\"} 1\na{x=\"1\"} 2\n");
        await Scrape(Job());
        Assert.Equal(1, Value(At(Slot), "a"));
    }

    [Fact]
    public async Task Metric_relabelling_drops_and_rewrites_series_and_is_counted()
    {
        _server.Serve(1, "keep 1\ndrop 2\n");
        await Scrape(Job(j => j with { MetricRelabel = labels => labels.Get("__name__") == "drop" ? null : labels }));
        var samples = At(Slot);
        Assert.Contains(samples, s => s.Labels.Get("__name__") == "keep");
        Assert.DoesNotContain(samples, s => s.Labels.Get("__name__") == "drop");
        Assert.Equal(2, Value(samples, "scrape_samples_scraped"));
        Assert.Equal(1, Value(samples, "scrape_samples_post_metric_relabeling"));
    }

    [Fact]
    public async Task A_removed_target_gets_staleness_markers_for_all_its_series()
    {
        _server.Serve(1, "a 1\nb 2\n");
        await Scrape(Job());
        await _scraper.EndSeriesAsync(_state, Slot + 500, CancellationToken.None);
        var ended = At(Slot + 500);
        Assert.Equal(["a", "b"], ended.Select(s => s.Labels.Get("__name__")).Order());
        Assert.All(ended, s => Assert.True(Sample.IsStaleNaN(s.Value)));
    }
}
