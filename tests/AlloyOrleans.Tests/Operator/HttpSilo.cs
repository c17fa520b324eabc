using AlloyOrleans.Silo.CommandLine;
using AlloyOrleans.Silo.Configuration;
using AlloyOrleans.Silo.Hosting;
using AlloyOrleans.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace AlloyOrleans.Tests.Operator;

/// <summary>
/// One silo exactly as <c>alloy-orleans run</c> builds it (flags parsed by <see cref="RunOptions"/>, host built by
/// <see cref="RunCommand.Build"/>), in this process, with its HTTP server on a loopback port.
/// </summary>
public sealed class HttpSilo : IAsyncDisposable
{
    private HttpSilo(string nodeName, int siloPort, int httpPort, WebApplication app)
    {
        NodeName = nodeName;
        SiloPort = siloPort;
        App = app;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string NodeName { get; }

    public int SiloPort { get; }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>A client whose base address is this silo's <c>--server.http.listen-addr</c>.</summary>
    public HttpClient Http { get; }

    /// <summary>
    /// Starts a silo. With <paramref name="joinSiloPort"/> it joins that silo through Orleans' development
    /// clustering (<c>--cluster.enabled --cluster.join-addresses</c>); otherwise it is the first silo of one.
    /// </summary>
    public static async Task<HttpSilo> StartAsync(string nodeName, string storageRoot, int? joinSiloPort = null, params string[] extraFlags)
    {
        var siloPort = SiloProcess.FreePort();
        var httpPort = SiloProcess.FreePort();
        var configPath = Path.Combine(storageRoot, nodeName + ".alloy");
        Directory.CreateDirectory(storageRoot);
        await File.WriteAllTextAsync(configPath, "logging {\n  level = \"error\"\n}\n");
        string[] flags =
        [
            "--cluster.enabled",
            "--cluster.node-name=" + nodeName,
            "--cluster.silo-port=" + siloPort,
            "--cluster.join-addresses=127.0.0.1:" + (joinSiloPort ?? siloPort),
            "--server.http.listen-addr=127.0.0.1:" + httpPort,
            "--storage.path=" + Path.Combine(storageRoot, nodeName),
            .. extraFlags,
            configPath,
        ];
        var app = RunCommand.Build(RunOptions.Parse(flags), ConfigurationLoader.Load(configPath));
        await app.StartAsync();
        return new HttpSilo(nodeName, siloPort, httpPort, app);
    }

    public async Task<string> GetStringAsync(string path) => await Http.GetStringAsync(path);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }
}
