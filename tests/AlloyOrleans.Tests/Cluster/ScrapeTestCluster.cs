using AlloyOrleans.Grains;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Placement;
using AlloyOrleans.Grains.Ring;
using AlloyOrleans.Grains.Scrape;
using AlloyOrleans.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace AlloyOrleans.Tests.Cluster;

/// <summary>
/// An in-process Orleans TestCluster whose silos run the clustered scrape core, all given the same job over
/// targets served by a real loopback HTTP server — the way every silo of a real deployment reads one configuration.
/// </summary>
public sealed class ScrapeTestCluster : IAsyncDisposable
{
    public const string ComponentId = "prometheus.scrape.test";

    private ScrapeTestCluster(TestCluster cluster, ScrapeTargetServer server, ScrapeJob job, IReadOnlyList<LabelSet> targets, RecordingSink sink)
    {
        Sink = sink;
        Cluster = cluster;
        Server = server;
        Job = job;
        Targets = targets;
    }

    public TestCluster Cluster { get; }

    public ScrapeTargetServer Server { get; }

    public ScrapeJob Job { get; }

    public IReadOnlyList<LabelSet> Targets { get; }

    public RecordingSink Sink { get; }

    /// <param name="renameLastSiloTo">Gives the last initial silo another silo's name: the misconfiguration of two silos with one name.</param>
    public static async Task<ScrapeTestCluster> StartAsync(
        int silos, int targetCount, TimeSpan interval, int waitForSize = 0, TimeSpan waitTimeout = default, string? renameLastSiloTo = null,
        ScrapeBalance balance = ScrapeBalance.Targets, Action<ScrapeTargetServer>? serve = null)
    {
        var server = await ScrapeTargetServer.StartAsync();
        serve?.Invoke(server);
        var builder = new TestClusterBuilder((short)silos);
        builder.Properties["Scrape:WaitForSize"] = waitForSize.ToString();
        builder.Properties["Scrape:WaitTimeoutMs"] = ((long)waitTimeout.TotalMilliseconds).ToString();
        if (renameLastSiloTo is not null)
        {
            builder.Properties["Scrape:Rename:" + (silos == 1 ? "Primary" : $"Secondary_{silos - 1}")] = renameLastSiloTo;
        }
        builder.AddSiloBuilderConfigurator<ScrapingSiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();

        var targets = Enumerable.Range(0, targetCount)
            .Select(i => LabelSet.From(("__address__", server.Address), ("__metrics_path__", $"/t/{i}"), ("target", i.ToString())))
            .ToList();
        var sink = new RecordingSink();
        var job = new ScrapeJob
        {
            ComponentId = ComponentId,
            JobName = "test",
            Interval = interval,
            Timeout = TimeSpan.FromMilliseconds(Math.Min(interval.TotalMilliseconds / 2, 5000)),
            ClusteringEnabled = true,
            Balance = balance,
            ForwardTo = [sink],
        };
        var result = new ScrapeTestCluster(cluster, server, job, targets, sink);
        foreach (var silo in cluster.Silos)
        {
            result.ApplyJob(silo);
        }
        return result;
    }

    /// <summary>Starts one more silo and gives it the same configuration.</summary>
    public async Task<SiloHandle> AddSiloAsync()
    {
        var silo = await Cluster.StartAdditionalSiloAsync();
        ApplyJob(silo);
        return silo;
    }

    public void ApplyJob(SiloHandle silo) => Services(silo).GetRequiredService<IScrapeJobRegistry>().Apply(Job, Targets);

    public static IServiceProvider Services(SiloHandle silo) => ((InProcessSiloHandle)silo).SiloHost.Services;

    public static ScrapeScheduler Scheduler(SiloHandle silo) => SiloAssignments.Scheduler(silo);

    /// <summary>Which silo (by node name) scrapes each target now; a target scraped by two silos appears twice.</summary>
    public Dictionary<ulong, List<string>> Assignments() => SiloAssignments.Of(Cluster.Silos);

    public ulong KeyOf(int target) => TargetKey.Compute(Targets[target]);

    /// <summary>Scrapes per target per slot in [fromMs, toMs) (see <see cref="SlotCounts.PerSlot"/>).</summary>
    public Dictionary<int, int[]> ScrapesPerSlot(long fromMs, long toMs) => SlotCounts.PerSlot(Server, Targets, Job.Interval, fromMs, toMs);

    /// <summary>Waits until every target is scraped by exactly one silo, or the timeout passes.</summary>
    public Task<bool> WaitForExclusiveOwnershipAsync(TimeSpan timeout) => SiloAssignments.WaitForExclusiveOwnershipAsync(Cluster, Targets.Count, timeout);

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Server.DisposeAsync();
    }

    private sealed class ScrapingSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var configuration = siloBuilder.Configuration;
            if (configuration["Scrape:Rename:" + configuration["Orleans:Name"]] is { } rename)
            {
                siloBuilder.Configure<SiloOptions>(options => options.SiloName = rename);
            }
            siloBuilder.AddClusteredScraping(options =>
            {
                options.MinimumClusterSize = configuration.GetValue<int>("Scrape:WaitForSize");
                options.WaitTimeout = TimeSpan.FromMilliseconds(configuration.GetValue<long>("Scrape:WaitTimeoutMs"));
            });
            // Placement's grain calls go through a factory a test can cut (WeightsGrainCut); everything else passes.
            var (clusterId, name) = (configuration["Orleans:ClusterId"]!, configuration["Orleans:Name"]!);
            siloBuilder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PlacementTables>(
                sp, WeightsGrainCut.Wrap(sp.GetRequiredService<IGrainFactory>(), clusterId, name)));
            // Load-aware placement on a test's time scale: a table decision every 3 s, polls and reports every second.
            siloBuilder.Services.Configure<PublishingOptions>(options => options.MinInterval = TimeSpan.FromSeconds(3));
            siloBuilder.Services.Configure<TablePollingOptions>(options =>
            {
                options.PollInterval = TimeSpan.FromMilliseconds(500);
                options.ReportInterval = TimeSpan.FromSeconds(1);
            });
        }
    }
}
