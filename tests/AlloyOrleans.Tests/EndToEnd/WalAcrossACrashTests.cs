using System.Globalization;
using AlloyOrleans.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace AlloyOrleans.Tests.EndToEnd;

/// <summary>
/// A silo scrapes while its remote_write receiver is down, is killed with <c>kill -9</c>, and restarts on the same
/// <c>--storage.path</c> once the receiver is up: every sample scraped before the crash reaches the receiver.
/// </summary>
public sealed class WalAcrossACrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("alloy-wal-crash-").FullName;
    private ScrapeTargetServer _targets = null!;

    public async Task InitializeAsync() => _targets = await ScrapeTargetServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _targets.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Samples_in_the_WAL_of_a_killed_silo_are_sent_after_it_restarts()
    {
        var receiverPort = PrometheusReceiver.FreePort();
        var config = Path.Combine(_directory, "config.alloy");
        await File.WriteAllTextAsync(config, $$"""
            prometheus.scrape "crash" {
              targets         = [{"__address__" = "{{_targets.Address}}", "__metrics_path__" = "/t/1"}]
              forward_to      = [prometheus.remote_write.down.receiver]
              scrape_interval = "1s"
              scrape_timeout  = "500ms"
            }

            prometheus.remote_write "down" {
              endpoint {
                url = "http://127.0.0.1:{{receiverPort}}/api/v1/write"
              }
            }
            """);
        var http = $"127.0.0.1:{SiloProcess.FreePort()}";
        string[] args = ["run", $"--server.http.listen-addr={http}", $"--cluster.silo-port={SiloProcess.FreePort()}",
            $"--storage.path={Path.Combine(_directory, "data")}", "--dashboard.enabled=false", config];

        await using (var first = SiloProcess.Start(args))
        {
            await first.WaitForReadyAsync(http, TimeSpan.FromSeconds(60));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (_targets.ScrapesOf(1).Count < 5 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
            first.Crash();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        // The last scrape the target saw may still have been in flight at the kill; every one before it was in the WAL.
        var scrapedBeforeCrash = _targets.ScrapesOf(1).Count - 1;
        Assert.True(scrapedBeforeCrash >= 4, "the target was not scraped before the crash");

        var receiver = new PrometheusReceiver { Port = receiverPort };
        await receiver.InitializeAsync();
        try
        {
            await using var second = SiloProcess.Start(args);
            await second.WaitForReadyAsync(http, TimeSpan.FromSeconds(60));

            // The counter's values are the scrape numbers: 1..scrapedBeforeCrash were scraped before the crash.
            var result = await receiver.QueryUntilAsync("test_scrapes_total[10m]",
                r => r.GetArrayLength() == 1 && Values(r).Count(v => v <= scrapedBeforeCrash) >= scrapedBeforeCrash,
                TimeSpan.FromSeconds(60));
            var values = result.GetArrayLength() == 1 ? Values(result) : [];
            output.WriteLine($"{scrapedBeforeCrash} scrapes before the crash; receiver holds {values.Count} samples: {string.Join(",", values.Take(30))}");
            Assert.Equal(Enumerable.Range(1, scrapedBeforeCrash).Select(v => (double)v), values.Where(v => v <= scrapedBeforeCrash));
            second.Terminate();
            await second.WaitForExitAsync(TimeSpan.FromSeconds(40));
        }
        finally
        {
            await receiver.DisposeAsync();
        }
    }

    private static List<double> Values(System.Text.Json.JsonElement result) =>
        [.. result[0].GetProperty("values").EnumerateArray().Select(p => double.Parse(p[1].GetString()!, CultureInfo.InvariantCulture))];
}
