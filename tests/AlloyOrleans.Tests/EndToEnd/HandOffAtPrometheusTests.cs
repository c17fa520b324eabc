using System.Text.RegularExpressions;
using AlloyOrleans.Grains.RemoteWrite.Queue;
using AlloyOrleans.Tests.Infrastructure;
using AlloyOrleans.Tests.Production;
using Xunit;
using Xunit.Abstractions;

namespace AlloyOrleans.Tests.EndToEnd;

/// <summary>
/// The membership changes real deployments make, checked where users see them: real silo processes on PostgreSQL
/// membership scrape loopback targets and remote-write, with the default queue settings, to a real Prometheus 2.42.
/// Each target serves its scrape number, so <see cref="ReceiverAudit"/> can tell, per target and slot, a sample lost
/// on the way, a slot missing at the receiver and a slot scraped twice. Every scenario ends with a graceful stop of
/// the whole cluster, so what the silos still held in their queues must arrive too (the drain). Only a crash's or a
/// freeze's window (the victim's targets, from what its queue had not yet sent until the survivors' first scrape) may
/// miss slots; Prometheus may refuse a write only for samples of such a window (a crashed silo's replay after its
/// restart), and otherwise the silos must drop nothing.
/// </summary>
[Collection(ProductionTestCollection.Name)]
public sealed partial class HandOffAtPrometheusTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    // Two seconds, with a one-second scrape timeout: on a loaded 2-core machine a one-second interval lets ordinary
    // scrape timeouts and skipped slots pass for hand-off errors.
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(90);
    // What a silo may have scraped and not yet sent when it dies or freezes: one batch deadline (default queue
    // settings) plus the scrape in progress.
    private static readonly TimeSpan UnsentHorizon = new QueueOptions().BatchSendDeadline + Interval;
    private const int TargetCount = 100;
    private readonly PrometheusReceiver _prometheus = new();

    public Task InitializeAsync() => _prometheus.InitializeAsync();

    public Task DisposeAsync() => _prometheus.DisposeAsync();

    [Fact]
    public async Task Two_joins_two_leaves_and_a_rollout_reach_Prometheus_exactly_once()
    {
        await using var cluster = await StartClusterAsync(["a", "b", "c"]);
        var from = SiloProcessCluster.Now();

        await Task.WhenAll(cluster.StartSiloAsync("d"), cluster.StartSiloAsync("e"));
        await cluster.WaitForStableOwnershipAsync(["a", "b", "c", "d", "e"], SettleTimeout);

        await cluster.TerminateAsync("b", "d");
        await cluster.WaitForStableOwnershipAsync(["a", "c", "e"], SettleTimeout);

        // A Deployment rollout, which is also a full rolling replacement: each new pod (a new name) starts as an
        // old one is terminated.
        List<string> current = ["a", "c", "e"];
        foreach (var (old, replacement) in new[] { ("a", "f"), ("c", "g"), ("e", "h") })
        {
            await Task.WhenAll(cluster.StartSiloAsync(replacement), cluster.TerminateAsync(old));
            current[current.IndexOf(old)] = replacement;
            await cluster.WaitForStableOwnershipAsync(current, SettleTimeout);
        }

        await StopAndAuditAsync(cluster, from, []);

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
        Assert.All(up.EnumerateArray(), u => Assert.Equal(Metrics(cluster).Server.Address, u.GetProperty("metric").GetProperty("instance").GetString()));
    }

    [Fact]
    public async Task A_freeze_past_failure_detection_and_a_kill_9_lose_only_their_windows_at_Prometheus()
    {
        string[] names = ["a", "b", "c"];
        await using var cluster = await StartClusterAsync(names);
        var owners = await cluster.WaitForStableOwnershipAsync(names, SettleTimeout);
        var from = SiloProcessCluster.Now();
        var excuses = new List<ReceiverAudit.Excuse>();

        // SIGSTOP past failure detection, then SIGCONT: the survivors take b's targets; b, declared dead, must not
        // scrape them again. Orleans stops a silo that learns it was declared dead; it is then restarted by name.
        var frozenAt = SiloProcessCluster.Now();
        cluster["b"].Process!.Freeze();
        await Task.Delay(TimeSpan.FromSeconds(8));
        cluster["b"].Process!.Resume();
        output.WriteLine($"b resumed at {SiloProcessCluster.Now()}");
        await cluster.WaitForStableOwnershipAsync(["a", "c"], SettleTimeout);
        excuses.Add(WindowOf(cluster, owners, "b", frozenAt, ["a", "c"], "b frozen"));
        await WaitForExitOrCrashAsync(cluster, "b");
        output.WriteLine($"b restarts at {SiloProcessCluster.Now()}");
        await cluster.StartSiloAsync("b");
        owners = await cluster.WaitForStableOwnershipAsync(names, SettleTimeout);

        // kill -9, then a restart under the same name (its WAL still holds what it had not sent).
        var killedAt = SiloProcessCluster.Now();
        cluster["c"].Process!.Crash();
        await cluster.WaitForStableOwnershipAsync(["a", "b"], SettleTimeout);
        excuses.Add(WindowOf(cluster, owners, "c", killedAt, ["a", "b"], "c killed"));
        await cluster.StartSiloAsync("c");
        await cluster.WaitForStableOwnershipAsync(names, SettleTimeout);

        await StopAndAuditAsync(cluster, from, excuses);
    }

    /// <summary>
    /// A Deployment created whole (eight silos at once), then a StatefulSet-style rolling restart of every silo under
    /// its own name. Opt-in (<see cref="JoinStormFactAttribute"/>): with eight processes on two cores it runs for
    /// minutes.
    /// </summary>
    [JoinStormFact]
    public async Task Eight_silos_started_at_once_and_a_rolling_restart_reach_Prometheus_exactly_once()
    {
        var connectionString = await postgres.NewDatabaseAsync();
        await SiloProcessCluster.DbInitThroughTheBinaryAsync(connectionString);
        await using var cluster = await SiloProcessCluster.StartAsync(connectionString, TargetCount, Interval, _prometheus.WriteUrl);
        string[] names = ["a", "b", "c", "d", "e", "f", "g", "h"];
        var from = SiloProcessCluster.Now();
        await Task.WhenAll(names.Select(name => cluster.StartSiloAsync(name)));
        await cluster.WaitForStableOwnershipAsync(names, SettleTimeout);
        output.WriteLine($"eight silos started at {from}, settled at {SiloProcessCluster.Now()}");
        // Slots due before the first silo was ready have nobody to scrape them; from one interval after the first
        // scrape on, the first silo ready owns every target and each hand-off to the others must be exact.
        from = Metrics(cluster).Targets.Select((_, i) => Metrics(cluster).Server.ScrapesOf(i).DefaultIfEmpty(long.MaxValue).Min()).Min() + (long)Interval.TotalMilliseconds;

        foreach (var name in names)
        {
            output.WriteLine($"{name} restarts at {SiloProcessCluster.Now()}");
            await cluster.TerminateAsync(name);
            await cluster.StartSiloAsync(name);
            await cluster.WaitForStableOwnershipAsync(names, SettleTimeout);
        }

        await StopAndAuditAsync(cluster, from, []);
    }

    private async Task<SiloProcessCluster> StartClusterAsync(string[] names)
    {
        var connectionString = await postgres.NewDatabaseAsync();
        await SiloProcessCluster.DbInitThroughTheBinaryAsync(connectionString);
        var cluster = await SiloProcessCluster.StartAsync(connectionString, TargetCount, Interval, _prometheus.WriteUrl);
        await Task.WhenAll(names.Select(name => cluster.StartSiloAsync(name)));
        await cluster.WaitForStableOwnershipAsync(names, SettleTimeout);
        return cluster;
    }

    /// <summary>
    /// The victim's targets may miss slots from what its queue had not sent (<see cref="UnsentHorizon"/> before the
    /// crash) until the last of them was first scraped by a survivor.
    /// </summary>
    private ReceiverAudit.Excuse WindowOf(SiloProcessCluster cluster, Dictionary<int, string> owners, string victim, long atMs, string[] survivors, string why)
    {
        var targets = owners.Where(o => o.Value == victim).Select(o => o.Key).ToHashSet();
        var takeover = cluster.FirstScrapesAfter(targets, atMs, survivors).Values.Max();
        output.WriteLine($"{why} at {atMs}: {targets.Count} targets, last taken over {takeover / 1000.0:0.00} s after");
        return new ReceiverAudit.Excuse(targets, atMs - (long)UnsentHorizon.TotalMilliseconds, atMs + takeover, why);
    }

    private async Task WaitForExitOrCrashAsync(SiloProcessCluster cluster, string name)
    {
        try
        {
            var exit = await cluster[name].Process!.WaitForExitAsync(TimeSpan.FromSeconds(30));
            output.WriteLine($"{name} exited with {exit} after it learned it was declared dead");
        }
        catch (OperationCanceledException)
        {
            output.WriteLine($"{name} still runs 30 s after it was declared dead (fenced); killing it to restart it");
            cluster[name].Process!.Crash();
        }
    }

    /// <summary>
    /// Stops every silo gracefully (each drains its queue), then audits the receiver from <paramref name="from"/>:
    /// slots due until one interval before the stop, and every sample served at all.
    /// </summary>
    private async Task StopAndAuditAsync(SiloProcessCluster cluster, long from, IReadOnlyList<ReceiverAudit.Excuse> excuses)
    {
        await Task.Delay(Interval * 2);
        var (failedOrDropped, _) = await cluster.RemoteWriteLossesAsync();
        var stoppedAt = SiloProcessCluster.Now();
        await cluster.TerminateAsync(cluster.Running);
        var audit = await ReceiverAudit.RunAsync(_prometheus, Metrics(cluster).Server, Metrics(cluster).Targets, Interval, from, stoppedAt - (long)Interval.TotalMilliseconds, excuses);
        var unaccepted = await _prometheus.UnacceptedWritesAsync();
        var refused = _prometheus.RefusedSampleLog();
        var (_, dropLines) = await cluster.RemoteWriteLossesAsync();
        output.WriteLine(audit.ToString());
        // Kept for every run, clean or not: a rare failure is diagnosed by comparing with the runs that passed.
        output.WriteLine($"silo logs: {cluster.DumpLogs()}");
        output.WriteLine($"Prometheus: {unaccepted} writes not accepted; silos: {failedOrDropped} samples failed or dropped, {dropLines.Count} drop lines");
        foreach (var line in refused.Take(10).Concat(dropLines.Take(10)))
        {
            output.WriteLine(line);
        }

        Assert.True(audit.Served >= TargetCount * 10, "too few scrapes to judge: " + audit);
        Assert.True(audit.Clean, audit + "\n" + cluster.Logs());
        // Prometheus refuses a whole request for one out-of-order sample. A silo restarted after a crash sends what
        // it had not sent before it, in batches of its own; by then the survivors have written newer samples of those
        // series, so Prometheus may refuse them (it has no out-of-order window by default). Such a refusal is allowed
        // only for samples of a crashed silo's targets from before its window ended, and the audit above shows it
        // cost nothing outside the windows. Anything else refused, or dropped without a crash, fails.
        var outside = RefusedOutside(refused, excuses);
        Assert.True(outside.Count == 0 && unaccepted == refused.Count && dropLines.Count == refused.Count
                    && (excuses.Count > 0 || failedOrDropped == 0),
            $"{unaccepted} writes not accepted by Prometheus ({outside.Count} outside every crash window), " +
            $"{failedOrDropped} samples failed or dropped by the silos:\n" +
            string.Join("\n", refused.Take(10).Concat(dropLines.Take(10))));
    }

    /// <summary>
    /// The refused requests (Prometheus names the first refused sample of each) whose sample is not one of a crashed
    /// or frozen silo's targets from before the end of its window.
    /// </summary>
    private static List<string> RefusedOutside(IReadOnlyList<string> refused, IReadOnlyList<ReceiverAudit.Excuse> excuses) =>
        [.. refused.Where(line => TargetInLog().Match(line) is not { Success: true } target
                                  || TimestampInLog().Match(line) is not { Success: true } at
                                  || !excuses.Any(e => e.Targets.Contains(int.Parse(target.Groups[1].Value))
                                                       && long.Parse(at.Groups[1].Value) < e.ToMs))];

    [GeneratedRegex("target=\\\\?\"(\\d+)\\\\?\"")]
    private static partial Regex TargetInLog();

    [GeneratedRegex("timestamp=(\\d+)")]
    private static partial Regex TimestampInLog();

    private static MetricTargets Metrics(SiloProcessCluster cluster) => (MetricTargets)cluster.Workload;
}
