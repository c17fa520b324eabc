using AlloyOrleans.Tests.Infrastructure;
using Xunit;

namespace AlloyOrleans.Tests.Commands;

/// <summary><c>alloy-orleans run</c> as an operator starts it: a real process on loopback ports.</summary>
public sealed class RunCommandProcessTests : IAsyncLifetime
{
    private ScrapeTargetServer _targets = null!;
    private readonly string _directory = Directory.CreateTempSubdirectory("alloy-run-").FullName;

    public async Task InitializeAsync() => _targets = await ScrapeTargetServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _targets.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string WriteConfig(string text)
    {
        var path = Path.Combine(_directory, "config.alloy");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Starts_on_a_configuration_becomes_ready_scrapes_and_exits_zero_on_sigterm()
    {
        var config = WriteConfig($$"""
            prometheus.scrape "local" {
              targets         = [{"__address__" = "{{_targets.Address}}", "__metrics_path__" = "/t/1"}]
              forward_to      = []
              scrape_interval = "1s"
              scrape_timeout  = "500ms"
            }
            """);
        var http = $"127.0.0.1:{SiloProcess.FreePort()}";
        await using var silo = SiloProcess.Start(["run", $"--server.http.listen-addr={http}", $"--cluster.silo-port={SiloProcess.FreePort()}",
            $"--storage.path={Path.Combine(_directory, "data")}", config]);

        await silo.WaitForReadyAsync(http, TimeSpan.FromSeconds(60));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (_targets.ScrapesOf(1).Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.True(_targets.ScrapesOf(1).Count >= 2, "the target was not scraped:\n" + silo.Output);
        // A quiet, truthful start: what the user needs, and none of Orleans' advice that is untrue here.
        Assert.Contains($"Started: serving http://{http} as node ", silo.Output);
        Assert.DoesNotContain("ServerGC", silo.Output);
        Assert.DoesNotContain("Participant check thread has not completed", silo.Output);

        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(40)));
    }

    [Fact]
    public async Task A_sigterm_while_still_joining_the_cluster_is_a_graceful_stop_that_exits_zero()
    {
        var config = WriteConfig("logging {\n  level = \"info\"\n}\n");
        var http = $"127.0.0.1:{SiloProcess.FreePort()}";
        // The silo it is told to join is not running, so the join is still under way when the stop comes.
        await using var silo = SiloProcess.Start(["run", "--cluster.enabled", "--cluster.node-name=joiner",
            $"--cluster.silo-port={SiloProcess.FreePort()}", $"--cluster.join-addresses=127.0.0.1:{SiloProcess.FreePort()}",
            $"--server.http.listen-addr={http}", $"--storage.path={Path.Combine(_directory, "data")}", config]);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await AnswersAsync(client, $"http://{http}/-/healthy"))
        {
            Assert.True(DateTime.UtcNow < deadline && !silo.HasExited, "the joining silo never served /-/healthy:\n" + silo.Output);
            await Task.Delay(200);
        }
        Assert.False(await AnswersAsync(client, $"http://{http}/-/ready"), "the silo cannot have joined");

        silo.Terminate();
        var exitCode = await silo.WaitForExitAsync(TimeSpan.FromSeconds(40));
        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{silo.Output}");
        Assert.DoesNotContain("Unhandled exception", silo.Output);
        Assert.Contains("asked to stop while still starting", silo.Output);
    }

    private static async Task<bool> AnswersAsync(HttpClient client, string url)
    {
        try
        {
            using var response = await client.GetAsync(url);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_bad_flag_exits_one_naming_the_flag_and_starts_nothing()
    {
        var config = WriteConfig("logging {}\n");
        var http = $"127.0.0.1:{SiloProcess.FreePort()}";
        await using var silo = SiloProcess.Start(["run", "--cluster.wait-for-size=three", $"--server.http.listen-addr={http}", config]);
        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("--cluster.wait-for-size", silo.Output);
    }

    [Fact]
    public async Task A_bad_configuration_exits_one_with_its_position_and_starts_nothing()
    {
        var config = WriteConfig("prometheus.scrape \"x\" {\n  targets = [\n  forward_to = []\n}\n");
        var http = $"127.0.0.1:{SiloProcess.FreePort()}";
        await using var silo = SiloProcess.Start(["run", $"--server.http.listen-addr={http}", config]);
        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Matches(@"config\.alloy:\d+:\d+", silo.Output);
        using var client = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"http://{http}/-/healthy"));
    }

    [Fact]
    public async Task An_unsupported_component_is_an_error_that_names_it()
    {
        var config = WriteConfig("loki.source.file \"logs\" {\n  targets = []\n}\n");
        await using var silo = SiloProcess.Start(["run", $"--server.http.listen-addr=127.0.0.1:{SiloProcess.FreePort()}", config]);
        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("loki.source.file", silo.Output);
        Assert.Matches(@"config\.alloy:1:1", silo.Output);
    }
}
