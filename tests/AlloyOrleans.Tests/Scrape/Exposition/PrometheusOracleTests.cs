using AlloyOrleans.Tests.Infrastructure;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AlloyOrleans.Grains.Scrape.Exposition;
using Xunit;

namespace AlloyOrleans.Tests.Scrape.Exposition;

/// <summary>
/// Checks the expectations of <see cref="ExpositionCases"/> against a real Prometheus 2.42 (<c>/usr/bin/prometheus</c>):
/// every case is served as its own target on loopback; Prometheus scrapes them all once, and its <c>up</c>,
/// <c>scrape_samples_scraped</c> and stored samples must match what the case says. Samples carrying an explicit
/// (old) timestamp are counted by Prometheus but not stored (out of bounds), so only their count is compared. The
/// metadata Prometheus keeps (type, unescaped help, unit per family) is compared with what our reader reports.
/// </summary>
public sealed class PrometheusOracleTests
{
    private const string PrometheusPath = "/usr/bin/prometheus";

    [Fact]
    public async Task Every_case_matches_prometheus_2_42()
    {
        Assert.True(File.Exists(PrometheusPath), $"{PrometheusPath} is required (Debian package prometheus 2.42)");
        var cases = ExpositionCases.All.Concat(Corpus()).ToArray();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = cancellation.Token;

        var targetPort = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{targetPort}/");
        listener.Start();
        var serving = ServeCasesAsync(listener, cases, ct);

        var directory = Directory.CreateTempSubdirectory("prometheus-oracle-");
        var prometheusPort = FreePort();
        var config = new StringBuilder("global:\n  scrape_interval: 5s\n  scrape_timeout: 5s\nscrape_configs:\n  - job_name: oracle\n    static_configs:\n");
        for (var i = 0; i < cases.Length; i++)
        {
            config.Append($"      - targets: ['127.0.0.1:{targetPort}']\n        labels: {{__metrics_path__: '/case/{i}', case: '{i}'}}\n");
        }
        var configPath = Path.Combine(directory.FullName, "prometheus.yml");
        await File.WriteAllTextAsync(configPath, config.ToString(), ct);

        using var prometheus = Process.Start(new ProcessStartInfo(PrometheusPath)
        {
            ArgumentList =
            {
                $"--config.file={configPath}",
                $"--storage.tsdb.path={Path.Combine(directory.FullName, "data")}",
                $"--web.listen-address=127.0.0.1:{prometheusPort}",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        prometheus.ErrorDataReceived += static (_, _) => { };
        prometheus.OutputDataReceived += static (_, _) => { };
        prometheus.BeginErrorReadLine();
        prometheus.BeginOutputReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{prometheusPort}/"), Timeout = TimeSpan.FromSeconds(5) };
            Dictionary<string, List<(Dictionary<string, string> Labels, string Value)>> scraped;
            while (true)
            {
                await Task.Delay(500, ct);
                try
                {
                    scraped = await QueryByCaseAsync(http, "scrape_samples_scraped{job=\"oracle\"}", ct);
                }
                catch (HttpRequestException)
                {
                    continue; // not up yet
                }
                if (scraped.Count == cases.Length)
                {
                    break;
                }
            }
            var up = await QueryByCaseAsync(http, "up{job=\"oracle\"}", ct);
            var stored = await QueryByCaseAsync(http, "{job=\"oracle\",__name__!~\"up|scrape_.+\"}", ct);
            var errors = await TargetErrorsAsync(http, ct);
            var metadata = await MetadataByCaseAsync(http, ct);

            var mismatches = new List<string>();
            for (var i = 0; i < cases.Length; i++)
            {
                var @case = cases[i];
                var key = i.ToString(CultureInfo.InvariantCulture);
                var accepted = up[key].Single().Value == "1";
                if (accepted != @case.Accepted)
                {
                    mismatches.Add($"{@case.Name}: Prometheus {(accepted ? "accepts" : "rejects")} it {errors.GetValueOrDefault(key)}");
                    continue;
                }
                if (!accepted)
                {
                    continue;
                }
                var count = int.Parse(scraped[key].Single().Value, CultureInfo.InvariantCulture);
                if (count != @case.Samples!.Length)
                {
                    mismatches.Add($"{@case.Name}: Prometheus scraped {count} samples, the case says {@case.Samples.Length}");
                }
                var expected = ExpectedStored(@case.Samples);
                var actual = stored.GetValueOrDefault(key, [])
                    .Select(s => SampleText.Render(
                        s.Labels.Where(l => l.Key is not ("job" or "instance" or "case")).Select(l => (l.Key, l.Value)),
                        ParsePrometheusValue(s.Value), null))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (!expected.SequenceEqual(actual))
                {
                    mismatches.Add($"{@case.Name}: only Prometheus stored [{string.Join(" | ", actual.Except(expected).Take(10))}], " +
                                   $"only the case says [{string.Join(" | ", expected.Except(actual).Take(10))}]");
                }
                var ours = ReadMetadata(@case);
                var theirs = metadata.GetValueOrDefault(key, []).Order(StringComparer.Ordinal).ToList();
                if (!ours.SequenceEqual(theirs))
                {
                    mismatches.Add($"{@case.Name}: Prometheus keeps metadata [{string.Join(" | ", theirs)}], our reader reports [{string.Join(" | ", ours)}]");
                }
            }
            Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        }
        finally
        {
            prometheus.Kill();
            await prometheus.WaitForExitAsync(CancellationToken.None);
            listener.Stop();
            await cancellation.CancelAsync();
            await serving;
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Realistic expositions whose expected samples are our reader's own reading: a real node_exporter 1.5 capture
    /// and generated node_exporter-like text and OpenMetrics (full-precision floats, histograms, summaries).
    /// </summary>
    private static IEnumerable<ExpositionCase> Corpus()
    {
        var nodeExporter = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Data", "Exposition", "node_exporter_1.5.prom"));
        yield return Read("corpus/node-exporter-1.5", nodeExporter, ExpositionFormat.PrometheusText);
        yield return Read("corpus/generated-text", NodeExporterLikeExposition.Generate(20).Body, ExpositionFormat.PrometheusText);
        yield return Read("corpus/generated-openmetrics", NodeExporterLikeExposition.Generate(20, openMetrics: true).Body, ExpositionFormat.OpenMetrics);

        static ExpositionCase Read(string name, byte[] body, ExpositionFormat format) =>
            new(name, format, body, SampleText.ReadAll(body, format).ToArray(), null);
    }

    /// <summary>What Prometheus keeps of the expected samples: no explicit timestamps (too old), first of duplicates.</summary>
    private static List<string> ExpectedStored(string[] samples) =>
        samples
            .Where(s => !Regex.IsMatch(s, " @-?[0-9]+$"))
            .GroupBy(s => s[..s.LastIndexOf(' ')])
            .Select(g => g.First())
            .Order(StringComparer.Ordinal)
            .ToList();

    private static double ParsePrometheusValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(value, CultureInfo.InvariantCulture),
    };

    private static async Task<Dictionary<string, List<(Dictionary<string, string> Labels, string Value)>>> QueryByCaseAsync(
        HttpClient http, string query, CancellationToken ct)
    {
        var json = await http.GetStringAsync("api/v1/query?query=" + Uri.EscapeDataString(query), ct);
        using var document = JsonDocument.Parse(json);
        var result = new Dictionary<string, List<(Dictionary<string, string>, string)>>();
        foreach (var series in document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            var value = series.GetProperty("value")[1].GetString()!;
            var key = labels["case"];
            if (!result.TryGetValue(key, out var list))
            {
                result[key] = list = [];
            }
            list.Add((labels, value));
        }
        return result;
    }

    /// <summary>Our reader's metadata per family, last entry winning, as <c>name|type|help|unit</c>.</summary>
    private static List<string> ReadMetadata(ExpositionCase @case)
    {
        var families = new Dictionary<string, (string Type, string Help, string Unit)>();
        var reader = new ExpositionReader(@case.Body, @case.Format);
        while (reader.Read())
        {
            if (reader.Kind is not (EntryKind.Type or EntryKind.Help or EntryKind.Unit))
            {
                continue;
            }
            var name = reader.MetricNameString;
            var family = families.GetValueOrDefault(name, (Type: "unknown", Help: "", Unit: ""));
            families[name] = reader.Kind switch
            {
                EntryKind.Type => family with { Type = reader.Type.ToString().ToLowerInvariant() },
                EntryKind.Help => family with { Help = reader.GetHelpText() },
                _ => family with { Unit = Encoding.UTF8.GetString(reader.RawText) },
            };
        }
        return families.Select(f => $"{f.Key}|{f.Value.Type}|{f.Value.Help}|{f.Value.Unit}").Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<Dictionary<string, List<string>>> MetadataByCaseAsync(HttpClient http, CancellationToken ct)
    {
        var json = await http.GetStringAsync("api/v1/targets/metadata?match_target=" + Uri.EscapeDataString("{job=\"oracle\"}"), ct);
        using var document = JsonDocument.Parse(json);
        var result = new Dictionary<string, List<string>>();
        foreach (var entry in document.RootElement.GetProperty("data").EnumerateArray())
        {
            var key = entry.GetProperty("target").GetProperty("case").GetString()!;
            if (!result.TryGetValue(key, out var list))
            {
                result[key] = list = [];
            }
            list.Add($"{entry.GetProperty("metric").GetString()}|{entry.GetProperty("type").GetString()}|" +
                     $"{entry.GetProperty("help").GetString()}|{entry.GetProperty("unit").GetString()}");
        }
        return result;
    }

    /// <summary>Each case's last scrape error as Prometheus reports it, for diagnosing a mismatch.</summary>
    private static async Task<Dictionary<string, string>> TargetErrorsAsync(HttpClient http, CancellationToken ct)
    {
        var json = await http.GetStringAsync("api/v1/targets", ct);
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
            .ToDictionary(t => t.GetProperty("labels").GetProperty("case").GetString()!, t => t.GetProperty("lastError").GetString()!);
    }

    private static async Task ServeCasesAsync(HttpListener listener, ExpositionCase[] cases, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().WaitAsync(ct);
            }
            catch (Exception) when (ct.IsCancellationRequested || !listener.IsListening)
            {
                return;
            }
            var index = int.Parse(context.Request.Url!.AbsolutePath["/case/".Length..], CultureInfo.InvariantCulture);
            var @case = cases[index];
            context.Response.ContentType = @case.Format == ExpositionFormat.OpenMetrics
                ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                : "text/plain; version=0.0.4; charset=utf-8";
            context.Response.ContentLength64 = @case.Body.Length;
            await context.Response.OutputStream.WriteAsync(@case.Body, ct);
            context.Response.Close();
        }
    }

    private static int FreePort() => TestPorts.Next();
}
