using Xunit;
using Xunit.Abstractions;

namespace AlloyOrleans.Tests.Production;

/// <summary>
/// Measures, with the default failure-detection flags, the seconds from a kill -9 to the first scrape of each
/// orphaned target by its new owner, over ten kills of three real silo processes on PostgreSQL. Not part of the
/// regular run (it takes minutes): <c>scripts/measure-failover.sh</c> sets the variable and prints the figures.
/// </summary>
[Collection(ProductionTestCollection.Name)]
public sealed class FailoverMeasurement(PostgresFixture postgres, ITestOutputHelper output)
{
    public const string Variable = "ALLOY_ORLEANS_MEASURE_FAILOVER";
    private const int Kills = 10;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    [MeasurementFact]
    public async Task Seconds_from_kill_9_to_the_new_owners_first_scrape()
    {
        var connectionString = await postgres.NewDatabaseAsync();
        await SiloProcessCluster.DbInitThroughTheBinaryAsync(connectionString);
        await using var cluster = await SiloProcessCluster.StartAsync(connectionString, targetCount: 300, Interval);
        string[] names = ["a", "b", "c"];
        await Task.WhenAll(names.Select(name => cluster.StartSiloAsync(name)));
        var owners = await cluster.WaitForStableOwnershipAsync(names, SettleTimeout);

        var delays = new List<double>();
        var perKill = new List<(double Median, double Max)>();
        for (var kill = 0; kill < Kills; kill++)
        {
            var victim = names[kill % names.Length];
            var survivors = names.Where(n => n != victim).ToArray();
            var orphans = owners.Where(o => o.Value == victim).Select(o => o.Key).ToList();
            var killedAt = SiloProcessCluster.Now();
            cluster[victim].Process!.Crash();
            await cluster.WaitForStableOwnershipAsync(survivors, SettleTimeout);
            var seconds = cluster.FirstScrapesAfter(orphans, killedAt, survivors).Values.Select(ms => ms / 1000.0).Order().ToList();
            delays.AddRange(seconds);
            perKill.Add((Median(seconds), seconds[^1]));
            output.WriteLine($"kill {kill + 1} ({victim}, {orphans.Count} targets): median {Median(seconds):0.00} s, max {seconds[^1]:0.00} s");

            await cluster.StartSiloAsync(victim);
            owners = await cluster.WaitForStableOwnershipAsync(names, SettleTimeout);
        }
        delays.Sort();
        output.WriteLine($"over {Kills} kills, {delays.Count} orphaned targets, scrape interval {Interval.TotalSeconds:0} s: " +
                         $"median {Median(delays):0.00} s, max {delays[^1]:0.00} s; per-kill medians {string.Join(" ", perKill.Select(k => k.Median.ToString("0.00")))}");
        Assert.True(delays[^1] < (ProcessClusterTests.FailureDetectionBound + Interval + TimeSpan.FromSeconds(1)).TotalSeconds);
    }

    private static double Median(IReadOnlyList<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    /// <summary>A fact that runs only when <see cref="Variable"/> is set.</summary>
    private sealed class MeasurementFactAttribute : FactAttribute
    {
        public MeasurementFactAttribute()
        {
            if (Environment.GetEnvironmentVariable(Variable) is not ("1" or "true"))
            {
                Skip = $"a measurement, not a test: set {Variable}=1 (scripts/measure-failover.sh)";
            }
        }
    }
}
