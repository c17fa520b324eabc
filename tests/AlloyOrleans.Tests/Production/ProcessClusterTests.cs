using AlloyOrleans.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace AlloyOrleans.Tests.Production;

/// <summary>
/// Three real silo processes clustered through PostgreSQL split the targets of a loopback server; a kill -9 moves the
/// dead silo's targets to the survivors within failure detection plus one interval without any duplicate, and the
/// silo restarted under its name gets its targets back.
/// </summary>
[Collection(ProductionTestCollection.Name)]
public sealed class ProcessClusterTests(PostgresFixture postgres, ITestOutputHelper output)
{
    /// <summary>What the default failure-detection flags promise on a LAN (README); CI gets one more second of slack.</summary>
    public static readonly TimeSpan FailureDetectionBound = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SchedulingSlack = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Kill_9_moves_the_targets_to_the_survivors_and_a_restart_brings_them_back()
    {
        var connectionString = await postgres.NewDatabaseAsync();
        await SiloProcessCluster.DbInitThroughTheBinaryAsync(connectionString);
        await using var cluster = await SiloProcessCluster.StartAsync(connectionString, targetCount: 300, Interval);
        await Task.WhenAll(new[] { "a", "b", "c" }.Select(name => cluster.StartSiloAsync(name)));

        var owners = await cluster.WaitForStableOwnershipAsync(["a", "b", "c"], SettleTimeout);
        output.WriteLine($"shares: {string.Join(", ", owners.GroupBy(o => o.Value).OrderBy(g => g.Key).Select(g => $"{g.Key}={g.Count()}"))}");
        var steadyFrom = SiloProcessCluster.Now();
        await Task.Delay(Interval * 3);
        cluster.AssertEverySlotExactlyOnce(steadyFrom, SiloProcessCluster.Now() - (long)Interval.TotalMilliseconds);

        var orphans = owners.Where(o => o.Value == "b").Select(o => o.Key).ToList();
        var killedAt = SiloProcessCluster.Now();
        cluster["b"].Process!.Crash();
        var survivors = await cluster.WaitForStableOwnershipAsync(["a", "c"], SettleTimeout);

        var takeover = cluster.FirstScrapesAfter(orphans, killedAt, ["a", "c"]);
        output.WriteLine($"{orphans.Count} orphaned targets: first scrape by the new owner after {takeover.Values.Min() / 1000.0:0.00}-{takeover.Values.Max() / 1000.0:0.00} s");
        Assert.All(takeover.Values, ms => Assert.True(ms <= (FailureDetectionBound + Interval + SchedulingSlack).TotalMilliseconds, $"taken over after {ms} ms"));
        // Survivors kept their own targets.
        Assert.All(owners.Where(o => o.Value != "b"), o => Assert.Equal(o.Value, survivors[o.Key]));
        cluster.AssertNoSlotScrapedTwice(killedAt - (long)Interval.TotalMilliseconds, SiloProcessCluster.Now());
        // The survivors' own targets lost nothing across the crash.
        var perSlot = cluster.ScrapesPerSlot(killedAt, SiloProcessCluster.Now() - (long)Interval.TotalMilliseconds);
        Assert.All(owners.Where(o => o.Value != "b"), o => Assert.All(perSlot[o.Key], count => Assert.Equal(1, count)));

        var restartedAt = SiloProcessCluster.Now();
        await cluster.StartSiloAsync("b");
        var afterRestart = await cluster.WaitForStableOwnershipAsync(["a", "b", "c"], SettleTimeout);
        Assert.Equal(owners.OrderBy(o => o.Key), afterRestart.OrderBy(o => o.Key));
        cluster.AssertNoSlotScrapedTwice(restartedAt, SiloProcessCluster.Now());
        Assert.All(cluster.Silos, silo => Assert.False(silo.Process!.HasExited, $"{silo.Name} exited:\n{cluster.Logs()}"));
    }
}
