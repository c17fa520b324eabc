using System.Globalization;
using AlloyOrleans.Tests.Infrastructure;
using AlloyOrleans.Tests.Production;
using Xunit;
using Xunit.Abstractions;

namespace AlloyOrleans.Tests.EndToEnd;

/// <summary>
/// The whole product end to end: real silo processes on PostgreSQL membership scrape loopback targets and
/// remote-write to a real Prometheus 2.42. Each target counts its own scrapes, so at the receiver a duplicate scrape
/// shows as a rejected sample or a counter step of two, and a missed slot as a timestamp step of two intervals.
/// Across a join, a graceful leave and a rolling restart, every series must step by exactly one, one interval apart.
/// </summary>
[Collection(ProductionTestCollection.Name)]
public sealed class HandOffAtPrometheusTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    // Two seconds, with a one-second scrape timeout: on a loaded 2-core machine a one-second interval lets ordinary
    // scrape timeouts and skipped slots pass for hand-off errors.
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);
    private const int TargetCount = 60;
    private readonly PrometheusReceiver _prometheus = new();

    public Task InitializeAsync() => _prometheus.InitializeAsync();

    public Task DisposeAsync() => _prometheus.DisposeAsync();

    [Fact]
    public async Task Join_leave_and_rolling_restart_reach_Prometheus_without_a_duplicate_or_a_gap()
    {
        var connectionString = await postgres.NewDatabaseAsync();
        await SiloProcessCluster.DbInitThroughTheBinaryAsync(connectionString);
        await using var cluster = await SiloProcessCluster.StartAsync(connectionString, TargetCount, Interval, _prometheus.WriteUrl);
        await Task.WhenAll(new[] { "a", "b", "c" }.Select(name => cluster.StartSiloAsync(name)));
        await cluster.WaitForStableOwnershipAsync(["a", "b", "c"], SettleTimeout);
        var from = DateTimeOffset.UtcNow;

        await cluster.StartSiloAsync("d");
        await cluster.WaitForStableOwnershipAsync(["a", "b", "c", "d"], SettleTimeout);

        cluster["b"].Process!.Terminate();
        Assert.Equal(0, await cluster["b"].Process!.WaitForExitAsync(TimeSpan.FromSeconds(40)));
        await cluster.WaitForStableOwnershipAsync(["a", "c", "d"], SettleTimeout);

        await cluster.StartSiloAsync("b");
        await cluster.WaitForStableOwnershipAsync(["a", "b", "c", "d"], SettleTimeout);
        await Task.Delay(Interval * 2);
        var to = DateTimeOffset.UtcNow - Interval * 2;
        // Let the queues send what was scraped up to `to`.
        await Task.Delay(TimeSpan.FromSeconds(3));

        var window = (int)Math.Ceiling((DateTimeOffset.UtcNow - from).TotalSeconds) + 5;
        var series = await _prometheus.QueryAsync($"test_scrapes_total[{window}s]");
        Assert.Equal(TargetCount, series.GetArrayLength());
        var problems = new List<string>();
        var samples = 0;
        foreach (var one in series.EnumerateArray())
        {
            var target = one.GetProperty("metric").GetProperty("target").GetString();
            var points = one.GetProperty("values").EnumerateArray()
                .Select(p => (Ms: (long)Math.Round(p[0].GetDouble() * 1000), Value: double.Parse(p[1].GetString()!, CultureInfo.InvariantCulture)))
                .Where(p => p.Ms >= from.ToUnixTimeMilliseconds() && p.Ms <= to.ToUnixTimeMilliseconds())
                .ToList();
            samples += points.Count;
            for (var i = 1; i < points.Count; i++)
            {
                var step = points[i].Ms - points[i - 1].Ms;
                var increase = points[i].Value - points[i - 1].Value;
                if (step != (long)Interval.TotalMilliseconds || increase != 1)
                {
                    problems.Add($"target {target} at {points[i].Ms}: {step} ms later, counter +{increase}");
                }
            }
        }
        var rejected = await RejectedWritesAsync();
        output.WriteLine($"{samples} samples of {TargetCount} targets checked at the receiver; {problems.Count} problems; {rejected} rejected writes");
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(10)) + "\n" + cluster.Logs());
        Assert.Equal(0, rejected);
        Assert.True(samples >= TargetCount * 8, "too few samples to judge");

        // A scraped label that clashes with a target label is kept as exported_<name> (honor_labels is false).
        var gauges = await _prometheus.QueryAsync("test_gauge");
        Assert.Equal(TargetCount, gauges.GetArrayLength());
        Assert.All(gauges.EnumerateArray(), g =>
        {
            Assert.Equal("prometheus.scrape.production", g.GetProperty("metric").GetProperty("job").GetString());
            Assert.Equal("exporter", g.GetProperty("metric").GetProperty("exported_job").GetString());
        });

        var up = await _prometheus.QueryAsync("up{job=\"prometheus.scrape.production\"} == 1");
        Assert.Equal(TargetCount, up.GetArrayLength());
        Assert.All(up.EnumerateArray(), u => Assert.Equal(((MetricTargets)cluster.Workload).Server.Address, u.GetProperty("metric").GetProperty("instance").GetString()));
    }

    /// <summary>Remote-write requests Prometheus refused (400: duplicate or out-of-order samples), from its own metrics.</summary>
    private async Task<double> RejectedWritesAsync()
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(_prometheus.BaseAddress, "/metrics"));
        return text.Split('\n')
            .Where(line => line.StartsWith("prometheus_http_requests_total{", StringComparison.Ordinal)
                && line.Contains("handler=\"/api/v1/write\"", StringComparison.Ordinal)
                && !line.Contains("code=\"204\"", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }
}
