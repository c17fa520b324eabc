using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Xunit;

namespace AlloyOrleans.Tests.Infrastructure;

/// <summary>
/// A real Prometheus 2.42 (<c>/usr/bin/prometheus</c>) started as a remote write receiver on a free loopback port
/// with a temporary data directory, for any test class (<c>IClassFixture&lt;PrometheusReceiver&gt;</c>).
/// </summary>
public sealed class PrometheusReceiver : IAsyncLifetime
{
    /// <summary>A fixed loopback port, so a sender can be pointed at the receiver before it starts; a free one if null.</summary>
    public int? Port { get; init; }

    private const string Binary = "/usr/bin/prometheus";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "prometheus-receiver-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Process? _process;
    private readonly List<string> _output = [];

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Where remote write requests go: <c>/api/v1/write</c>.</summary>
    public Uri WriteUrl => new(BaseAddress, "/api/v1/write");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var config = Path.Combine(_directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, "global:\n  scrape_interval: 1m\n");
        var listenPort = Port ?? FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{listenPort}");
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--web.enable-remote-write-receiver",
            "--storage.tsdb.path=" + Path.Combine(_directory, "data"),
            $"--web.listen-address=127.0.0.1:{listenPort}",
            "--config.file=" + config,
        })
        {
            start.ArgumentList.Add(argument);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}: {Output}");
            }
            try
            {
                using var response = await _http.GetAsync(new Uri(BaseAddress, "/-/ready"));
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
        throw new TimeoutException($"prometheus not ready within {StartTimeout}: {Output}");
    }

    /// <summary>What the process printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(50));
            }
        }
    }

    /// <summary>
    /// What Prometheus logged about samples it refused in remote-write requests (out of order, out of bounds, a
    /// duplicate timestamp): one line per refused request, naming the first refused series and its timestamp.
    /// </summary>
    public IReadOnlyList<string> RefusedSampleLog()
    {
        lock (_output)
        {
            return [.. _output.Where(line => line.Contains("from remote write", StringComparison.OrdinalIgnoreCase))];
        }
    }

    /// <summary>Remote-write requests Prometheus did not accept (4xx: refused samples; 5xx: failed), from its own metrics.</summary>
    public async Task<double> UnacceptedWritesAsync()
    {
        var text = await _http.GetStringAsync(new Uri(BaseAddress, "/metrics"));
        return text.Split('\n')
            .Where(line => line.StartsWith("prometheus_http_requests_total{", StringComparison.Ordinal)
                && line.Contains("handler=\"/api/v1/write\"", StringComparison.Ordinal)
                && !line.Contains("code=\"2", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Add(line);
        }
    }

    /// <summary>Runs an instant query (<c>/api/v1/query</c>) and returns the <c>data.result</c> array.</summary>
    public async Task<JsonElement> QueryAsync(string promql, DateTimeOffset? time = null)
    {
        var url = "/api/v1/query?query=" + Uri.EscapeDataString(promql);
        if (time is { } at)
        {
            url += "&time=" + (at.ToUnixTimeMilliseconds() / 1000.0).ToString(CultureInfo.InvariantCulture);
        }
        using var response = await _http.GetAsync(new Uri(BaseAddress, url));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"query {promql} failed: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("data").GetProperty("result").Clone();
    }

    /// <summary>Polls <paramref name="promql"/> until <paramref name="done"/> accepts the result or the time is up.</summary>
    public async Task<JsonElement> QueryUntilAsync(string promql, Func<JsonElement, bool> done, TimeSpan timeout, DateTimeOffset? time = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var result = await QueryAsync(promql, time);
            if (done(result) || DateTime.UtcNow > deadline)
            {
                return result;
            }
            await Task.Delay(200);
        }
    }

    public static int FreePort() => TestPorts.Next();

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }
}
