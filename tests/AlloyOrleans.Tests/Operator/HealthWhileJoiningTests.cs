using System.Net;
using AlloyOrleans.Silo.CommandLine;
using AlloyOrleans.Silo.Configuration;
using AlloyOrleans.Silo.Hosting;
using AlloyOrleans.Tests.Infrastructure;
using Xunit;

namespace AlloyOrleans.Tests.Operator;

/// <summary>
/// A silo that has not joined yet already serves HTTP: <c>/-/healthy</c> answers (a liveness probe must not restart a
/// silo that is still joining) while <c>/-/ready</c> says not ready. The join here cannot finish: the primary silo it
/// is told to join is not running.
/// </summary>
public sealed class HealthWhileJoiningTests
{
    [Fact]
    public async Task A_silo_still_joining_answers_healthy_and_not_ready()
    {
        var root = Path.Combine(Path.GetTempPath(), "health-while-joining-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var configPath = Path.Combine(root, "joiner.alloy");
        await File.WriteAllTextAsync(configPath, "logging {\n  level = \"error\"\n}\n");
        var httpPort = SiloProcess.FreePort();
        string[] flags =
        [
            "--cluster.enabled",
            "--cluster.node-name=joiner",
            "--cluster.silo-port=" + SiloProcess.FreePort(),
            "--cluster.join-addresses=127.0.0.1:" + SiloProcess.FreePort(), // nobody listens there
            "--server.http.listen-addr=127.0.0.1:" + httpPort,
            "--storage.path=" + Path.Combine(root, "data"),
            configPath,
        ];
        var app = RunCommand.Build(RunOptions.Parse(flags), ConfigurationLoader.Load(configPath));
        using var stopStarting = new CancellationTokenSource();
        var starting = app.StartAsync(stopStarting.Token);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var healthy = await FirstAnswerAsync(http, "/-/healthy", TimeSpan.FromSeconds(30));
            Assert.Equal(HttpStatusCode.OK, healthy);
            Assert.False(starting.IsCompleted, "the silo cannot have joined: its primary is not running");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/-/ready")).StatusCode);
        }
        finally
        {
            await stopStarting.CancelAsync();
            await Task.WhenAny(starting, Task.Delay(TimeSpan.FromSeconds(30)));
            using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await app.StopAsync(stopTimeout.Token);
            }
            catch (InvalidOperationException)
            {
                // Orleans refuses to stop a silo whose start was cancelled ("not in the Running state"); disposing the
                // host below still releases its ports and threads.
            }
            await app.DisposeAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<HttpStatusCode> FirstAnswerAsync(HttpClient http, string path, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                return (await http.GetAsync(path)).StatusCode;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
