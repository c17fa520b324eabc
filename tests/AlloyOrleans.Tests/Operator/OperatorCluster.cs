using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Membership;
using AlloyOrleans.Grains.Ring;
using AlloyOrleans.Grains.Scrape;
using AlloyOrleans.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AlloyOrleans.Tests.Operator;

/// <summary>
/// Three silos built by the <c>run</c> command, in this process, clustered through Orleans development membership on
/// loopback, with HTTP servers of their own. Every silo is given the same clustered scrape job over targets served by
/// a real loopback server (one of them malformed), as every silo of a deployment reads one configuration.
/// </summary>
public sealed class OperatorCluster : IAsyncLifetime
{
    public const string ComponentId = "prometheus.scrape.operator";
    public const string ClusterName = "alloy-orleans";
    public const int TargetCount = 60;

    /// <summary>The target that serves malformed text: its scrapes fail (up = 0).</summary>
    public const int MalformedTarget = 7;

    private readonly string _storage = Path.Combine(Path.GetTempPath(), "alloy-orleans-operator-" + Guid.NewGuid().ToString("N"));

    public IReadOnlyList<HttpSilo> Silos { get; private set; } = [];

    public ScrapeTargetServer Server { get; private set; } = null!;

    public IReadOnlyList<LabelSet> Targets { get; private set; } = [];

    public ScrapeJob Job { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ScrapeTargetServer.StartAsync();
        Server.ServeMalformed(MalformedTarget);
        var first = await HttpSilo.StartAsync("silo-a", _storage);
        var others = await Task.WhenAll(
            HttpSilo.StartAsync("silo-b", _storage, first.SiloPort),
            HttpSilo.StartAsync("silo-c", _storage, first.SiloPort));
        Silos = [first, .. others];
        await WaitUntilAsync(() => Silos.All(s => s.Services.GetRequiredService<ClusterViewService>().Current.ActiveByName.Count == 3),
            TimeSpan.FromSeconds(30), "every silo to see three active silos");

        Targets = [.. Enumerable.Range(0, TargetCount)
            .Select(i => LabelSet.From(("__address__", Server.Address), ("__metrics_path__", $"/t/{i}"), ("target", i.ToString())))];
        Job = new ScrapeJob
        {
            ComponentId = ComponentId,
            JobName = "operator",
            Interval = TimeSpan.FromSeconds(1),
            Timeout = TimeSpan.FromMilliseconds(500),
            ClusteringEnabled = true,
        };
        foreach (var silo in Silos)
        {
            silo.Services.GetRequiredService<IScrapeJobRegistry>().Apply(Job, Targets);
        }
        await WaitUntilAsync(EveryTargetScrapedOnceByOneSilo, TimeSpan.FromSeconds(30),
            "one owner per target, each scraped at least once");
    }

    /// <summary>The node that the ring over all three names gives each target: what every silo must agree on.</summary>
    public Dictionary<string, int> ExpectedTargetsPerNode() =>
        Enumerable.Range(0, TargetCount).GroupBy(OwnerOf).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>The node the ring over the three names gives a target.</summary>
    public string OwnerOf(int target) => HashRing.Build(Silos.Select(s => s.NodeName)).Owner(TargetKey.Compute(Targets[target]))!;

    private bool EveryTargetScrapedOnceByOneSilo()
    {
        var scraping = Silos.SelectMany(s => s.Services.GetRequiredService<ScrapeScheduler>().Snapshot()).ToList();
        return scraping.Count == TargetCount
            && scraping.All(t => t.LastReport is not null)
            && scraping.Select(t => t.Target.Key).Distinct().Count() == TargetCount;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        // Stop the joiners first: the first silo holds the development membership table.
        foreach (var silo in Silos.Reverse())
        {
            await silo.DisposeAsync();
        }
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_storage, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class OperatorClusterCollection : ICollectionFixture<OperatorCluster>
{
    public const string Name = "Operator surfaces on a three-silo cluster";
}
