using System.Globalization;
using System.Text.Json;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Tests.Infrastructure;
using Xunit;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>Sends to a real Prometheus 2.42 remote write receiver and reads the data back through its query API.</summary>
public sealed class PrometheusRemoteWriteTests(PrometheusReceiver prometheus) : IClassFixture<PrometheusReceiver>, IDisposable
{
    private static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(30);
    private readonly TestStorage _test = new();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    // Recent timestamps (the TSDB head refuses samples far in the past), on whole seconds.
    private static long RecentStartMs() => (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 - 300) * 1000;

    [Fact]
    public async Task Counters_sent_over_many_batches_arrive_with_no_gap_or_duplicate()
    {
        var metric = "rw_counter_" + _suffix;
        LabelSet[] series = [.. Enumerable.Range(0, 4).Select(i => LabelSet.From(("__name__", metric), ("instance", $"host-{i}"), ("job", "counters")))];
        const int Points = 120;
        var start = RecentStartMs();
        await using var storage = await _test.StartAsync("prom-" + _suffix, prometheus.WriteUrl, TestStorage.FastQueue(shards: 3, maxSamplesPerSend: 7));
        for (var i = 0; i < Points; i++)
        {
            await storage.AppendAsync(TestStorage.Scrape(series, start + i * 1_000L, i), CancellationToken.None);
        }

        var result = await prometheus.QueryUntilAsync($"{metric}[10m]",
            r => r.GetArrayLength() == series.Length && r.EnumerateArray().All(s => s.GetProperty("values").GetArrayLength() >= Points),
            ArrivalTimeout);

        Assert.Equal(series.Length, result.GetArrayLength());
        foreach (var s in result.EnumerateArray())
        {
            var values = s.GetProperty("values").EnumerateArray()
                .Select(v => (TimestampMs: (long)Math.Round(v[0].GetDouble() * 1000), Value: double.Parse(v[1].GetString()!, CultureInfo.InvariantCulture)))
                .ToList();
            Assert.Equal(Enumerable.Range(0, Points).Select(i => (start + i * 1_000L, (double)i)), values);
        }
    }

    [Fact]
    public async Task A_staleness_marker_ends_the_series()
    {
        var metric = "rw_stale_" + _suffix;
        var labels = LabelSet.From(("__name__", metric), ("job", "stale"));
        var start = RecentStartMs();
        await using var storage = await _test.StartAsync("prom-" + _suffix, prometheus.WriteUrl);
        await storage.AppendAsync([new Sample(labels, start, 1)], CancellationToken.None);
        await storage.AppendAsync([new Sample(labels, start + 1_000, 2)], CancellationToken.None);
        await storage.AppendAsync([new Sample(labels, start + 2_000, Sample.StaleNaN)], CancellationToken.None);
        await storage.AppendAsync([new Sample(LabelSet.From(("__name__", metric + "_done")), start + 3_000, 1)], CancellationToken.None);

        // The last append arrives after the marker (same shard, one series at a time in order of the WAL).
        await prometheus.QueryUntilAsync(metric + "_done", r => r.GetArrayLength() == 1, ArrivalTimeout, At(start + 3_000));
        var before = await prometheus.QueryAsync(metric, At(start + 1_500));
        var after = await prometheus.QueryAsync(metric, At(start + 2_500));

        Assert.Equal("2", Assert.Single(before.EnumerateArray()).GetProperty("value")[1].GetString());
        Assert.Equal(0, after.GetArrayLength());
    }

    [Fact]
    public async Task Labels_and_external_labels_arrive_as_sent()
    {
        var metric = "rw_labels_" + _suffix;
        var start = RecentStartMs();
        await using var storage = await _test.StartAsync("prom-" + _suffix, prometheus.WriteUrl,
            externalLabels: [new("cluster", "eu-1"), new("env", "external")]);
        var labels = LabelSet.From(("zeta", "z"), ("__name__", metric), ("alpha", "a"), ("env", "series"), ("__meta_kubernetes_pod", "p"));
        await storage.AppendAsync([new Sample(labels, start, 7)], CancellationToken.None);

        var result = await prometheus.QueryUntilAsync(metric, r => r.GetArrayLength() == 1, ArrivalTimeout, At(start));

        var metricLabels = Assert.Single(result.EnumerateArray()).GetProperty("metric").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["__name__"] = metric,
            ["alpha"] = "a",
            ["cluster"] = "eu-1",
            ["env"] = "series",
            ["zeta"] = "z",
        }, metricLabels);
    }

    [Fact]
    public async Task A_histogram_and_a_summary_scraped_together_arrive_whole()
    {
        var histogram = "rw_latency_seconds_" + _suffix;
        var summary = "rw_rpc_seconds_" + _suffix;
        string[] bounds = ["0.1", "0.5", "1", "+Inf"];
        string[] quantiles = ["0.5", "0.9", "0.99"];
        var start = RecentStartMs();
        await using var storage = await _test.StartAsync("prom-" + _suffix, prometheus.WriteUrl, TestStorage.FastQueue(shards: 4, maxSamplesPerSend: 3));
        for (var scrape = 1; scrape <= 5; scrape++)
        {
            var t = start + scrape * 15_000L;
            var samples = new List<Sample>();
            for (var b = 0; b < bounds.Length; b++)
            {
                samples.Add(new Sample(LabelSet.From(("__name__", histogram + "_bucket"), ("job", "api"), ("le", bounds[b])), t, scrape * (b + 1)));
            }
            samples.Add(new Sample(LabelSet.From(("__name__", histogram + "_sum"), ("job", "api")), t, scrape * 1.5));
            samples.Add(new Sample(LabelSet.From(("__name__", histogram + "_count"), ("job", "api")), t, scrape * bounds.Length));
            for (var q = 0; q < quantiles.Length; q++)
            {
                samples.Add(new Sample(LabelSet.From(("__name__", summary), ("job", "api"), ("quantile", quantiles[q])), t, 0.01 * (q + 1)));
            }
            samples.Add(new Sample(LabelSet.From(("__name__", summary + "_sum"), ("job", "api")), t, scrape * 2.0));
            samples.Add(new Sample(LabelSet.From(("__name__", summary + "_count"), ("job", "api")), t, scrape * 10.0));
            await storage.AppendAsync(samples, CancellationToken.None);
        }

        var selector = $"{{__name__=~\"{histogram}.*|{summary}.*\"}}[10m]";
        var result = await prometheus.QueryUntilAsync(selector,
            r => r.GetArrayLength() == 11 && r.EnumerateArray().All(s => s.GetProperty("values").GetArrayLength() == 5),
            ArrivalTimeout, At(start + 5 * 15_000L));

        Assert.Equal(11, result.GetArrayLength());
        Assert.All(result.EnumerateArray(), s => Assert.Equal(5, s.GetProperty("values").GetArrayLength()));
        var p50 = await prometheus.QueryAsync($"histogram_quantile(0.5, {histogram}_bucket)", At(start + 5 * 15_000L));
        Assert.Single(p50.EnumerateArray());
    }

    private static DateTimeOffset At(long timestampMs) => DateTimeOffset.FromUnixTimeMilliseconds(timestampMs);

    public void Dispose() => _test.Dispose();
}
