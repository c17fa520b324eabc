using System.Text;
using AlloyOrleans.Grains.Scrape;
using AlloyOrleans.Tests.Infrastructure;
using Xunit;

namespace AlloyOrleans.Tests.Production;

/// <summary>
/// Real <c>alloy-orleans run</c> processes clustered through a PostgreSQL membership table, all on one Alloy
/// configuration given by a <see cref="IScrapeWorkload"/> whose scrape component (clustering enabled) covers the
/// targets of a loopback server. Each silo adds its node name as the <c>silo</c> scrape parameter (from an environment
/// variable, so the file is the same for all), which tells the target server who scraped.
/// </summary>
public sealed class SiloProcessCluster : IAsyncDisposable
{
    public const string SiloVariable = "ALLOY_TEST_SILO";
    public const string ComponentId = "prometheus.scrape.production";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly string _directory;
    private readonly string _connectionString;
    private readonly string _clusterName;
    private readonly Dictionary<string, Silo> _silos = new(StringComparer.Ordinal);

    private SiloProcessCluster(string directory, string connectionString, string clusterName, IScrapeWorkload workload, TimeSpan interval)
    {
        _directory = directory;
        _connectionString = connectionString;
        _clusterName = clusterName;
        Workload = workload;
        Interval = interval;
    }

    public IScrapeWorkload Workload { get; }

    public TimeSpan Interval { get; }

    public string ConfigPath => Path.Combine(_directory, "config.alloy");

    public IReadOnlyCollection<Silo> Silos => _silos.Values;

    public Silo this[string name] => _silos[name];

    /// <summary>Counting metric targets (<see cref="MetricTargets"/>).</summary>
    /// <param name="remoteWriteUrl">When given, every silo forwards its samples there through prometheus.remote_write.</param>
    /// <param name="balance">When given, the scrape's <c>clustering { balance = … }</c> (<c>"samples"</c>: load-aware placement).</param>
    public static async Task<SiloProcessCluster> StartAsync(string connectionString, int targetCount, TimeSpan interval, Uri? remoteWriteUrl = null, string? balance = null) =>
        await StartAsync(connectionString, await MetricTargets.StartAsync(targetCount, remoteWriteUrl, balance), interval);

    /// <summary>A cluster over any workload; the cluster disposes it.</summary>
    public static async Task<SiloProcessCluster> StartAsync(string connectionString, IScrapeWorkload workload, TimeSpan interval)
    {
        var directory = Directory.CreateTempSubdirectory("alloy-orleans-silos-").FullName;
        var cluster = new SiloProcessCluster(directory, connectionString, "c" + Guid.NewGuid().ToString("N")[..8], workload, interval);
        await File.WriteAllTextAsync(cluster.ConfigPath, workload.Configuration(interval));
        return cluster;
    }

    /// <summary>Starts (or restarts, on the same ports) a silo and waits until it is ready.</summary>
    public async Task<Silo> StartSiloAsync(string name, IEnumerable<string>? extraArgs = null, bool waitUntilReady = true)
    {
        if (!_silos.TryGetValue(name, out var silo))
        {
            silo = new Silo(name, SiloProcess.FreePort(), SiloProcess.FreePort());
            _silos[name] = silo;
        }
        else if (silo.Process is { HasExited: false })
        {
            throw new InvalidOperationException($"silo {name} is running");
        }
        else if (silo.Process is not null)
        {
            silo.PastOutput.AppendLine(silo.Process.Output);
            await silo.Process.DisposeAsync();
        }
        var storage = Path.Combine(_directory, "data-" + name);
        string[] args =
        [
            "run",
            "--server.http.listen-addr", silo.HttpAddress,
            "--storage.path", storage,
            "--cluster.enabled",
            "--cluster.node-name", name,
            "--cluster.name", _clusterName,
            "--cluster.advertise-address", "127.0.0.1:" + silo.SiloPort,
            "--dashboard.enabled=false",
            .. extraArgs ?? [],
            ConfigPath,
        ];
        silo.Process = SiloProcess.Start(args, new Dictionary<string, string>
        {
            ["ALLOY_ORLEANS_MEMBERSHIP_CONNECTION_STRING"] = _connectionString,
            [SiloVariable] = name,
        });
        if (waitUntilReady)
        {
            await silo.Process.WaitForReadyAsync(silo.HttpAddress, ReadyTimeout);
        }
        return silo;
    }

    public Dictionary<int, int[]> ScrapesPerSlot(long fromMs, long toMs) =>
        SlotCounts.PerSlot([.. Enumerable.Range(0, Workload.Count).Select(i => (Workload.KeyOf(i), (IReadOnlyList<long>)[.. Workload.ScrapesOf(i).Select(s => s.TimeMs)]))], Interval, fromMs, toMs);

    /// <summary>Which silos scraped each target in [fromMs, toMs).</summary>
    public Dictionary<int, HashSet<string>> ScrapersBetween(long fromMs, long toMs)
    {
        var result = new Dictionary<int, HashSet<string>>();
        for (var i = 0; i < Workload.Count; i++)
        {
            result[i] = [.. Workload.ScrapesOf(i).Where(s => s.TimeMs >= fromMs && s.TimeMs < toMs).Select(s => s.Scraper ?? "?")];
        }
        return result;
    }

    /// <summary>
    /// Waits until, over the last two intervals, every target was scraped by exactly one silo of the expected set,
    /// once per slot. Returns that owner of each target.
    /// </summary>
    public async Task<Dictionary<int, string>> WaitForStableOwnershipAsync(IReadOnlyCollection<string> expectedSilos, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var intervalMs = (long)Interval.TotalMilliseconds;
        string lastProblem = "";
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(Interval);
            var to = Now() - intervalMs / 2;
            var from = to - 2 * intervalMs;
            var scrapers = ScrapersBetween(from, to);
            var perSlot = ScrapesPerSlot(from, to);
            var unowned = scrapers.Count(s => s.Value.Count != 1 || !expectedSilos.Contains(s.Value.First()));
            var badSlots = perSlot.Sum(p => p.Value.Count(c => c != 1));
            if (unowned == 0 && badSlots == 0 && expectedSilos.All(name => scrapers.Values.Any(s => s.Contains(name))))
            {
                return scrapers.ToDictionary(s => s.Key, s => s.Value.First());
            }
            lastProblem = $"{unowned} targets without exactly one expected scraper, {badSlots} slots not scraped exactly once";
        }
        throw new TimeoutException($"ownership did not settle on {string.Join(",", expectedSilos)}: {lastProblem}\n{Logs()}");
    }

    /// <summary>Milliseconds from the kill to each orphaned target's first scrape by one of the new owners.</summary>
    public Dictionary<int, long> FirstScrapesAfter(IEnumerable<int> targets, long killedAt, IReadOnlyCollection<string> newOwners) =>
        targets.ToDictionary(t => t, t => Workload.ScrapesOf(t)
            .Where(s => s.TimeMs >= killedAt && newOwners.Contains(s.Scraper ?? ""))
            .Select(s => s.TimeMs - killedAt)
            .DefaultIfEmpty(long.MaxValue)
            .Min());

    public void AssertEverySlotExactlyOnce(long fromMs, long toMs)
    {
        var perSlot = ScrapesPerSlot(fromMs, toMs);
        var wrong = perSlot.Where(p => p.Value.Length == 0 || p.Value.Any(c => c != 1)).Select(p => Describe(p.Key, p.Value, fromMs, toMs)).Take(5).ToList();
        Assert.True(wrong.Count == 0, "slots not scraped exactly once: " + string.Join("; ", wrong));
    }

    public void AssertNoSlotScrapedTwice(long fromMs, long toMs)
    {
        var twice = ScrapesPerSlot(fromMs, toMs).Where(p => p.Value.Any(c => c > 1)).Select(p => Describe(p.Key, p.Value, fromMs, toMs)).Take(5).ToList();
        Assert.True(twice.Count == 0, "slots scraped twice: " + string.Join("; ", twice));
    }

    /// <summary>
    /// A target's slot counts with its ring key (as the silos log it) and every scrape in the window as
    /// scraper@milliseconds after its first slot, so a failure can be matched with the silos' logs.
    /// </summary>
    private string Describe(int target, int[] counts, long fromMs, long toMs)
    {
        var key = Workload.KeyOf(target);
        var first = ScrapeSlots.AtOrAfter(key, Interval, fromMs);
        var scrapes = Workload.ScrapesOf(target).Where(s => s.TimeMs >= first && s.TimeMs < toMs).Select(s => $"{s.Scraper}@{s.TimeMs - first}");
        return $"target {target} (key {key:x16}, first slot {first}): [{string.Join(",", counts)}] scrapes {string.Join(" ", scrapes)}";
    }

    /// <summary>SIGTERM to these silos at once; each must stop on its own (exit 0) within the termination grace.</summary>
    public async Task TerminateAsync(params string[] names)
    {
        foreach (var name in names)
        {
            this[name].Process!.Terminate();
        }
        foreach (var name in names)
        {
            var exit = await this[name].Process!.WaitForExitAsync(TimeSpan.FromSeconds(90));
            Assert.True(exit == 0, $"{name} exited with {exit}:\n{Logs()}");
        }
    }

    /// <summary>The silos whose process is running.</summary>
    public string[] Running => [.. _silos.Values.Where(s => s.Process is { HasExited: false }).Select(s => s.Name)];

    /// <summary>
    /// Samples the silos' remote_write gave up on: the failed and dropped totals of every running silo's
    /// <c>/metrics</c>, plus every "dropped" line any silo process (running, exited or replaced) logged.
    /// </summary>
    public async Task<(double FailedOrDropped, IReadOnlyList<string> DropLines)> RemoteWriteLossesAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        double total = 0;
        foreach (var silo in _silos.Values.Where(s => s.Process is { HasExited: false }))
        {
            var text = await http.GetStringAsync($"http://{silo.HttpAddress}/metrics");
            total += text.Split('\n')
                .Where(line => line.StartsWith("prometheus_remote_storage_samples_failed_total", StringComparison.Ordinal)
                    || line.StartsWith("prometheus_remote_storage_samples_dropped_total", StringComparison.Ordinal))
                .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
        var lines = _silos.Values
            .SelectMany(s => (s.PastOutput + "\n" + s.Process?.Output).Split('\n')
                .Where(line => line.Contains("Remote write", StringComparison.Ordinal) && line.Contains("dropped", StringComparison.Ordinal))
                .Select(line => $"{s.Name}: {line}"))
            .ToList();
        return (total, lines);
    }

    /// <summary>
    /// The version of the weights table each running silo holds for the scrape component (0: none), from its
    /// <c>/api/v0/web/cluster</c>; a silo that does not answer is left out.
    /// </summary>
    public async Task<Dictionary<string, long>> WeightsTableVersionsAsync(HttpClient http)
    {
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var silo in _silos.Values.Where(s => s.Process is { HasExited: false }))
        {
            try
            {
                using var document = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"http://{silo.HttpAddress}/api/v0/web/cluster"));
                versions[silo.Name] = document.RootElement.GetProperty("weightsTables").EnumerateArray()
                    .Where(t => t.GetProperty("component").GetString() == ComponentId)
                    .Select(t => t.GetProperty("version").GetInt64())
                    .DefaultIfEmpty(0)
                    .First();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // starting or stopping: asked again on the next poll
            }
        }
        return versions;
    }

    /// <summary><c>alloy-orleans db init</c> as an operator runs it, the connection string in the environment.</summary>
    public static async Task DbInitThroughTheBinaryAsync(string connectionString)
    {
        await using var init = SiloProcess.Start(["db", "init"], new Dictionary<string, string> { ["ALLOY_ORLEANS_MEMBERSHIP_CONNECTION_STRING"] = connectionString });
        var exit = await init.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, init.Output);
    }

    /// <summary>Writes the whole output of every silo process (earlier ones of a name too) to a file; returns its path.</summary>
    public string DumpLogs()
    {
        var path = Path.Combine(Path.GetTempPath(), $"alloy-orleans-{_clusterName}.log");
        File.WriteAllText(path, string.Join("\n", _silos.Values.Select(s => $"=== {s.Name} ===\n{s.PastOutput}\n{s.Process?.Output}")));
        return path;
    }

    /// <summary>The output of every silo, for failure messages.</summary>
    public string Logs()
    {
        var logs = new StringBuilder();
        foreach (var silo in _silos.Values.Where(s => s.Process is not null))
        {
            var output = silo.Process!.Output;
            logs.AppendLine($"--- {silo.Name} (exited: {silo.Process.HasExited}) ---").AppendLine(output.Length > 4000 ? output[^4000..] : output);
        }
        return logs.ToString();
    }

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos.Values.Where(s => s.Process is not null))
        {
            await silo.Process!.DisposeAsync();
        }
        await Workload.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    public sealed class Silo(string name, int siloPort, int httpPort)
    {
        public string Name { get; } = name;

        public int SiloPort { get; } = siloPort;

        public string HttpAddress { get; } = "127.0.0.1:" + httpPort;

        public SiloProcess? Process { get; set; }

        /// <summary>The output of this name's earlier processes (before a restart), for log checks.</summary>
        public StringBuilder PastOutput { get; } = new();
    }
}
