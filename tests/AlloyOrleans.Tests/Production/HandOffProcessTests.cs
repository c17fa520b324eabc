using AlloyOrleans.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace AlloyOrleans.Tests.Production;

/// <summary>
/// The membership changes real deployments make, with real silo processes on PostgreSQL membership: a Deployment
/// created whole (eight silos at once), two joins and two graceful leaves at once, and a process frozen past failure
/// detection and resumed. Each counts scrapes per target per slot at the target server: a slot scraped twice fails
/// the test; a missed slot fails it outside a crash's or a freeze's detection window.
/// </summary>
[Collection(ProductionTestCollection.Name)]
public sealed class HandOffProcessTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Each scrape's slot is read where it is exact, from its sample's timestamp at a receiver: on two cores starved by
    /// eight starting processes, a scrape started late in its slot can reach the target after the next slot began, and
    /// counted by its arrival at the target it passed for the next slot's second scrape.
    /// </summary>
    [JoinStormFact]
    public async Task Eight_silos_started_at_once_never_scrape_a_slot_twice()
    {
        var prometheus = new PrometheusReceiver();
        await prometheus.InitializeAsync();
        try
        {
            var connectionString = await postgres.NewDatabaseAsync();
            await SiloProcessCluster.DbInitThroughTheBinaryAsync(connectionString);
            await using var cluster = await SiloProcessCluster.StartAsync(connectionString, targetCount: 200, Interval, prometheus.WriteUrl);
            string[] names = ["a", "b", "c", "d", "e", "f", "g", "h"];
            var startedAt = SiloProcessCluster.Now();
            await Task.WhenAll(names.Select(name => cluster.StartSiloAsync(name)));
            await cluster.WaitForStableOwnershipAsync(names, SettleTimeout);
            var settledAt = SiloProcessCluster.Now();
            await Task.Delay(Interval * 2);
            var stoppedAt = SiloProcessCluster.Now();
            await cluster.TerminateAsync(cluster.Running); // each drains its queue: every sample scraped reaches the receiver

            output.WriteLine($"eight silos settled {(settledAt - startedAt) / 1000.0:0.0} s after the start; silo logs: {cluster.DumpLogs()}");
            var workload = (MetricTargets)cluster.Workload;
            var fromStart = await ReceiverAudit.RunAsync(prometheus, workload.Server, workload.Targets, Interval, startedAt, startedAt, []);
            var settled = await ReceiverAudit.RunAsync(prometheus, workload.Server, workload.Targets, Interval, settledAt, stoppedAt - (long)Interval.TotalMilliseconds, []);
            output.WriteLine($"from the start: {fromStart}\nafter settling: {settled}");
            output.WriteLine($"Prometheus: {await prometheus.UnacceptedWritesAsync()} writes not accepted");
            foreach (var line in prometheus.RefusedSampleLog().Take(10))
            {
                output.WriteLine(line);
            }
            Assert.True(fromStart.Twice.Count == 0, "slots scraped twice: " + fromStart);
            Assert.True(settled.Clean, "after settling: " + settled);
        }
        finally
        {
            await prometheus.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_joins_at_once_and_then_two_graceful_leaves_at_once_lose_and_repeat_no_slot()
    {
        var connectionString = await postgres.NewDatabaseAsync();
        await SiloProcessCluster.DbInitThroughTheBinaryAsync(connectionString);
        await using var cluster = await SiloProcessCluster.StartAsync(connectionString, targetCount: 200, Interval);
        await Task.WhenAll(new[] { "a", "b", "c" }.Select(name => cluster.StartSiloAsync(name)));
        await cluster.WaitForStableOwnershipAsync(["a", "b", "c"], SettleTimeout);
        var from = SiloProcessCluster.Now();

        await Task.WhenAll(cluster.StartSiloAsync("d"), cluster.StartSiloAsync("e"));
        await cluster.WaitForStableOwnershipAsync(["a", "b", "c", "d", "e"], SettleTimeout);

        cluster["b"].Process!.Terminate();
        cluster["d"].Process!.Terminate();
        Assert.Equal(0, await cluster["b"].Process!.WaitForExitAsync(TimeSpan.FromSeconds(40)));
        Assert.Equal(0, await cluster["d"].Process!.WaitForExitAsync(TimeSpan.FromSeconds(40)));
        await cluster.WaitForStableOwnershipAsync(["a", "c", "e"], SettleTimeout);

        cluster.AssertEverySlotExactlyOnce(from, SiloProcessCluster.Now() - (long)Interval.TotalMilliseconds);
    }

    [Fact]
    public async Task A_silo_frozen_past_failure_detection_and_resumed_scrapes_nothing_twice()
    {
        var connectionString = await postgres.NewDatabaseAsync();
        await SiloProcessCluster.DbInitThroughTheBinaryAsync(connectionString);
        await using var cluster = await SiloProcessCluster.StartAsync(connectionString, targetCount: 200, Interval);
        await Task.WhenAll(new[] { "a", "b", "c" }.Select(name => cluster.StartSiloAsync(name)));
        var owners = await cluster.WaitForStableOwnershipAsync(["a", "b", "c"], SettleTimeout);
        var from = SiloProcessCluster.Now();

        cluster["b"].Process!.Freeze();
        await Task.Delay(TimeSpan.FromSeconds(8)); // well past failure detection (about three seconds)
        cluster["b"].Process!.Resume();
        await Task.Delay(Interval * 3);             // what a zombie would scrape, it scrapes now
        await cluster.WaitForStableOwnershipAsync(["a", "c"], SettleTimeout);

        var resumedWindow = cluster.ScrapersBetween(from, SiloProcessCluster.Now());
        var byZombie = resumedWindow.Count(s => s.Value.Contains("b") && owners[s.Key] != "b");
        output.WriteLine($"{owners.Count(o => o.Value == "b")} targets were b's; b scraped {byZombie} targets it never owned");
        cluster.AssertNoSlotScrapedTwice(from, SiloProcessCluster.Now());
        // The survivors' own targets lost nothing.
        var perSlot = cluster.ScrapesPerSlot(from, SiloProcessCluster.Now() - (long)Interval.TotalMilliseconds);
        Assert.All(owners.Where(o => o.Value != "b"), o => Assert.All(perSlot[o.Key], count => Assert.Equal(1, count)));
    }
}
