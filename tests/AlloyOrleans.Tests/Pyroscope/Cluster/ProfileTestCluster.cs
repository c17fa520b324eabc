using AlloyOrleans.Grains;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Pyroscope;
using AlloyOrleans.Grains.Ring;
using AlloyOrleans.Grains.Scrape;
using AlloyOrleans.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace AlloyOrleans.Tests.Pyroscope.Cluster;

/// <summary>
/// An in-process Orleans TestCluster whose silos all run one pyroscope.scrape job — every discovered target expanded
/// into one scheduled target per profile type, with the profile executor — over pprof targets on a loopback server.
/// </summary>
public sealed class ProfileTestCluster : IAsyncDisposable
{
    public static readonly string[] ProfileTypes = ["goroutine", "memory"];

    private readonly ScrapeHttpClients _clients = new();

    private ProfileTestCluster(TestCluster cluster, PprofTargetServer server, TimeSpan interval, int targetCount, TimeSpan scrapeTimeout)
    {
        Cluster = cluster;
        Server = server;
        var executor = new ProfileScraper(_clients, TimeProvider.System, NullLogger.Instance, [Sink]);
        Job = new ScrapeJob
        {
            ComponentId = "pyroscope.scrape.test",
            JobName = "pyroscope.scrape.test",
            Interval = interval,
            Timeout = scrapeTimeout,
            ClusteringEnabled = true,
            BodySizeLimitBytes = 1 << 20,
            Executor = executor,
        };
        var specs = ProfileTypes.Select(t => ProfileType.BuiltIn.Single(b => b.Name == t)).Select(t => new ProfileTargetSpec(t.Name, t.DefaultPath, t.DeltaByDefault)).ToList();
        Targets = [.. Enumerable.Range(0, targetCount).SelectMany(i => ProfileTargetLabels.Expand(
            LabelSet.From(("__address__", server.Address), ("__profile_path_prefix__", $"/t/{i}"), ("target", i.ToString())),
            specs, "", "http", 0, paramsHaveSeconds: false).Select(labels => (i, labels.Get("__name__"), labels)))];
    }

    public TestCluster Cluster { get; }

    public PprofTargetServer Server { get; }

    public ScrapeJob Job { get; }

    public RecordingProfileSink Sink { get; } = new();

    /// <summary>The scheduled targets: discovered target index, profile type, expanded labels.</summary>
    public IReadOnlyList<(int Target, string Type, LabelSet Labels)> Targets { get; }

    /// <param name="responseTimeout">Orleans' default grain call timeout on every silo (30 s unless given).</param>
    public static async Task<ProfileTestCluster> StartAsync(int silos, int targetCount, TimeSpan interval, TimeSpan? responseTimeout = null, TimeSpan? scrapeTimeout = null)
    {
        var server = await PprofTargetServer.StartAsync();
        var builder = new TestClusterBuilder((short)silos);
        if (responseTimeout is { } response)
        {
            builder.Properties["Profiles:ResponseTimeoutMs"] = ((long)response.TotalMilliseconds).ToString();
        }
        builder.AddSiloBuilderConfigurator<ProfileSiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        var result = new ProfileTestCluster(cluster, server, interval, targetCount, scrapeTimeout ?? interval / 2);
        foreach (var silo in cluster.Silos)
        {
            result.ApplyJob(silo);
        }
        return result;
    }

    public async Task<SiloHandle> AddSiloAsync()
    {
        var silo = await Cluster.StartAdditionalSiloAsync();
        ApplyJob(silo);
        return silo;
    }

    private void ApplyJob(SiloHandle silo) =>
        Services(silo).GetRequiredService<IScrapeJobRegistry>().Apply(Job, [.. Targets.Select(t => t.Labels)]);

    private static IServiceProvider Services(SiloHandle silo) => ((InProcessSiloHandle)silo).SiloHost.Services;

    public static ScrapeScheduler Scheduler(SiloHandle silo) => SiloAssignments.Scheduler(silo);

    /// <summary>Which silos scrape each scheduled target (by ring key) now.</summary>
    public Dictionary<ulong, List<string>> Assignments() => SiloAssignments.Of(Cluster.Silos);

    public Task<bool> WaitForExclusiveOwnershipAsync(TimeSpan timeout) => SiloAssignments.WaitForExclusiveOwnershipAsync(Cluster, Targets.Count, timeout);

    /// <summary>Scrapes per scheduled target per slot in [fromMs, toMs), counted at the target server.</summary>
    public Dictionary<int, int[]> ScrapesPerSlot(long fromMs, long toMs) =>
        SlotCounts.PerSlot([.. Targets.Select(t => (TargetKey.Compute(t.Labels), Server.ScrapesOf(t.Target, EndpointOf(t.Labels))))], Job.Interval, fromMs, toMs);

    /// <summary>The server records a scrape under its endpoint's last path segment (<c>allocs</c> for memory).</summary>
    public static string EndpointOf(LabelSet labels) => labels.Get("__profile_path__").Split('/')[^1];

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Server.DisposeAsync();
        _clients.Dispose();
    }

    private sealed class ProfileSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            if (siloBuilder.Configuration["Profiles:ResponseTimeoutMs"] is { } responseTimeout)
            {
                siloBuilder.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMilliseconds(long.Parse(responseTimeout)));
            }
            siloBuilder.AddClusteredScraping();
        }
    }
}
