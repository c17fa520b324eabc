using Xunit;
using Xunit.Abstractions;

namespace AlloyOrleans.Tests.Simulation;

/// <summary>
/// Runs the real ownership planner through thousands of generated membership histories in the deterministic
/// simulation and checks, per target and slot, exactly one scrape (except inside a crash's or a freeze's detection
/// window) and no timestamp outside its scrape's interval. A failure prints its seed; replay one with
/// <c>ALLOY_ORLEANS_SIMULATION_SEED=N dotnet test --filter FullyQualifiedName~HandOffSimulationTests</c>
/// (the trace of that run is printed too, with every acquisition decision, and written to
/// <c>alloy-simulation-seed-N.txt</c> in the temporary directory), and widen the search with
/// <c>ALLOY_ORLEANS_SIMULATION_SEEDS=N</c> (seeds from <c>ALLOY_ORLEANS_SIMULATION_FIRST_SEED</c>, default 1).
/// <c>ALLOY_ORLEANS_SIMULATION_SLOW_LEG_ONE_IN=N</c> makes one call leg in N slow (default 100; 50 is the harder model
/// with its seeds 1–50,000 passing too).
/// </summary>
public sealed class HandOffSimulationTests(ITestOutputHelper output)
{
    private const long DurationMs = 45_000;

    [Fact]
    public void Every_generated_membership_history_scrapes_every_slot_exactly_once_outside_crash_windows()
    {
        var replay = Environment.GetEnvironmentVariable("ALLOY_ORLEANS_SIMULATION_SEED");
        var seeds = replay is not null
            ? [int.Parse(replay)]
            : Enumerable.Range(
                int.TryParse(Environment.GetEnvironmentVariable("ALLOY_ORLEANS_SIMULATION_FIRST_SEED"), out var first) ? first : 1,
                int.TryParse(Environment.GetEnvironmentVariable("ALLOY_ORLEANS_SIMULATION_SEEDS"), out var n) ? n : 2000);
        var failures = new List<string>();
        var duplicated = new List<int>();
        long scrapes = 0;
        foreach (var seed in seeds)
        {
            var (problems, cluster, history) = Run(seed, traced: replay is not null);
            scrapes += cluster.Check.Scrapes;
            if (problems.Count > 0)
            {
                if (problems.Any(p => p.Contains(" times: ", StringComparison.Ordinal)))
                {
                    duplicated.Add(seed);
                }
                failures.Add($"seed {seed}: {problems.Count} problems, first: {string.Join(" | ", problems.Take(3))}");
                if (replay is not null)
                {
                    // The test output may be cut short: the whole trace goes to a file too.
                    var path = Path.Combine(Path.GetTempPath(), $"alloy-simulation-seed-{seed}.txt");
                    File.WriteAllText(path, string.Join("\n", history) + "\n" + cluster.Trace);
                    output.WriteLine($"trace: {path}");
                    output.WriteLine(string.Join("\n", history));
                    output.WriteLine(cluster.Trace);
                }
            }
        }
        var summary = $"{seeds.Count()} seeds, {scrapes} scrapes checked, {failures.Count} seeds failed ({duplicated.Count} with a slot scraped twice: {string.Join(" ", duplicated.Take(20))})";
        output.WriteLine(summary);
        Assert.True(failures.Count == 0, summary + "\n" + string.Join("\n", failures.Take(20)) +
            "\nreplay one with ALLOY_ORLEANS_SIMULATION_SEED=<seed>");
    }

    private static (List<string> Problems, SimulatedCluster Cluster, List<ClusterChange> History) Run(int seed, bool traced)
    {
        var slowLegOneIn = int.TryParse(Environment.GetEnvironmentVariable("ALLOY_ORLEANS_SIMULATION_SLOW_LEG_ONE_IN"), out var oneIn) ? oneIn : 100;
        var cluster = new SimulatedCluster(seed, traced: traced, slowLegOneIn: slowLegOneIn);
        var history = MembershipHistory.Generate(new Random(seed ^ 0x5eed), DurationMs);
        return (cluster.Run(history, DurationMs), cluster, history);
    }
}
