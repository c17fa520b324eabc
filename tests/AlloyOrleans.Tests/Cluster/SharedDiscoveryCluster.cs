using System.Diagnostics;
using AlloyOrleans.Grains;
using AlloyOrleans.Grains.Components.Discovery;
using AlloyOrleans.Grains.Components.Discovery.Kubernetes;
using AlloyOrleans.Grains.Discovery.Shared;
using AlloyOrleans.Grains.Membership;
using AlloyOrleans.Grains.Ring;
using AlloyOrleans.Tests.Discovery;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace AlloyOrleans.Tests.Cluster;

/// <summary>
/// A TestCluster in which every silo runs the same <c>discovery.kubernetes</c> component with
/// <c>clustering { enabled = true }</c> against one loopback API-server stub, as every silo of a deployment runs
/// one configuration. Each silo's exports are recorded with the time they arrived.
/// </summary>
internal sealed class SharedDiscoveryCluster : IAsyncDisposable
{
    private readonly Dictionary<SiloHandle, (FakeComponentHost Host, CancellationTokenSource Stop, Task Run)> _components = [];
    private readonly Dictionary<SiloHandle, List<long>> _versions = [];

    private SharedDiscoveryCluster(TestCluster cluster, KubernetesApiStub stub, string componentId)
    {
        Cluster = cluster;
        Stub = stub;
        ComponentId = componentId;
    }

    public TestCluster Cluster { get; }

    public KubernetesApiStub Stub { get; }

    public string ComponentId { get; }

    public IEnumerable<SiloHandle> Running => _components.Keys;

    public static async Task<SharedDiscoveryCluster> StartAsync(KubernetesApiStub stub, int silos, Func<IReadOnlyList<string>, string> chooseComponentId)
    {
        var builder = new TestClusterBuilder((short)silos);
        builder.AddSiloBuilderConfigurator<Configurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        await WaitAsync(() => cluster.Silos.All(s => View(s) is { IsReady: true } v && v.ActiveByName.Count == silos), "every silo sees every silo");
        var result = new SharedDiscoveryCluster(cluster, stub, chooseComponentId(View(cluster.Silos[0]).Ring.Nodes));
        foreach (var silo in cluster.Silos)
        {
            await result.StartComponentAsync(silo);
        }
        return result;
    }

    /// <summary>The first of <c>discovery.kubernetes.pods0, pods1, …</c> whose runner among <paramref name="nodes"/> satisfies <paramref name="runner"/>.</summary>
    public static string ComponentWhoseRunner(IReadOnlyList<string> nodes, Func<string, bool> runner)
    {
        var ring = HashRing.Build(nodes);
        return Enumerable.Range(0, 1000).Select(i => $"discovery.kubernetes.pods{i}").First(id => runner(ring.Owner(DiscoveryRunnerChoice.Key(id))!));
    }

    public static IServiceProvider Services(SiloHandle silo) => ((InProcessSiloHandle)silo).SiloHost.Services;

    public static ClusterView View(SiloHandle silo) => Services(silo).GetRequiredService<ClusterViewService>().Current;

    public static string NodeName(SiloHandle silo) => View(silo).LocalName;

    public SiloHandle Runner() => Running.Single(s => DiscoveryRunnerChoice.IsLocal(View(s), ComponentId));

    public FakeComponentHost Host(SiloHandle silo) => _components[silo].Host;

    /// <summary>Every version this silo's store accepted for the component, in order.</summary>
    public IReadOnlyList<long> Versions(SiloHandle silo)
    {
        lock (_versions)
        {
            return _versions[silo].ToList();
        }
    }

    public static IReadOnlyList<DiscoveryExports> ExportsOf(FakeComponentHost host) => host.Exports.OfType<DiscoveryExports>().ToList();

    public static int LatestTargetCount(FakeComponentHost host) => ExportsOf(host).LastOrDefault()?.Targets.Count ?? -1;

    /// <summary>Stops a silo gracefully, and its component after it (a silo's components stop after Orleans).</summary>
    public async Task StopSiloAsync(SiloHandle silo)
    {
        await Cluster.StopSiloAsync(silo);
        var (_, stop, run) = _components[silo];
        await stop.CancelAsync();
        await run;
        _components.Remove(silo);
    }

    /// <summary>Waits until every running silo's latest export has <paramref name="count"/> targets; returns how long that took.</summary>
    public async Task<TimeSpan> WaitForTargetsEverywhereAsync(int count, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        await WaitAsync(() => Running.All(s => LatestTargetCount(Host(s)) == count),
            $"every silo exports {count} targets (now {string.Join(", ", Running.Select(s => NodeName(s) + "=" + LatestTargetCount(Host(s))))})", timeout);
        return clock.Elapsed;
    }

    public static async Task WaitAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting until {what}");
            }
            await Task.Delay(10);
        }
    }

    private async Task StartComponentAsync(SiloHandle silo)
    {
        lock (_versions)
        {
            _versions[silo] = [];
        }
        var services = Services(silo);
        services.GetRequiredService<SharedTargetStore>().Subscribe(ComponentId, list =>
        {
            lock (_versions)
            {
                _versions[silo].Add(list.Version);
            }
        });
        var host = new FakeComponentHost(ComponentId);
        var component = new DiscoveryKubernetesComponent(host, services.GetRequiredService<SharedDiscovery>());
        await component.UpdateAsync(new DiscoveryKubernetesArguments
        {
            ApiServer = Stub.Url.ToString().TrimEnd('/'),
            Role = "pod",
            Namespaces = new KubernetesNamespacesArguments { Names = ["default"] },
            Clustering = new DiscoveryClusteringArguments { Enabled = true },
        }, default);
        var stop = new CancellationTokenSource();
        _components[silo] = (host, stop, component.RunAsync(stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, stop, run) in _components.Values)
        {
            await stop.CancelAsync();
            await run;
        }
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class Configurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddClusteredScraping();
    }
}
