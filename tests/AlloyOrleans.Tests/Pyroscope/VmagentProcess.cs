using System.Diagnostics;
using System.Net;
using AlloyOrleans.Tests.Infrastructure;
using Xunit;

namespace AlloyOrleans.Tests.Pyroscope;

/// <summary>
/// A real vmagent (<c>/usr/bin/vmagent</c>, Debian's victoria-metrics) on a free loopback port: a Go program that
/// serves <c>/debug/pprof/*</c>, for profile scraping tests (<c>IClassFixture&lt;VmagentProcess&gt;</c>).
/// </summary>
public sealed class VmagentProcess : IAsyncLifetime
{
    private const string Binary = "/usr/bin/vmagent";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vmagent-" + Guid.NewGuid().ToString("N"));
    private Process? _process;

    /// <summary><c>127.0.0.1:PORT</c>.</summary>
    public string Address { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var port = PrometheusReceiver.FreePort();
        Address = $"127.0.0.1:{port}";
        var start = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            $"-httpListenAddr={Address}",
            // Nothing listens there: vmagent needs a remote write URL to start, and this test only reads its pprof endpoints.
            "-remoteWrite.url=http://127.0.0.1:1/api/v1/write",
            "-remoteWrite.tmpDataPath=" + Path.Combine(_directory, "data"),
            "-loggerLevel=ERROR",
        })
        {
            start.ArgumentList.Add(argument);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("vmagent did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"vmagent exited with {_process.ExitCode}");
            }
            try
            {
                using var response = await http.GetAsync($"http://{Address}/health");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("vmagent not ready within 30 s");
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
