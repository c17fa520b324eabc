using System.Diagnostics;
using AlloyOrleans.Grains.Components.Discovery;
using AlloyOrleans.Grains.Components.Discovery.Kubernetes;
using AlloyOrleans.Tests.Discovery;
using k8s.Models;
using Xunit;
using Xunit.Abstractions;

namespace AlloyOrleans.Tests.Cluster;

/// <summary>
/// Discovery once per cluster on three real Orleans silos: one silo watches the (stub) Kubernetes API, every silo
/// exports the same targets, and when the runner stops another takes over without any silo's targets disappearing.
/// </summary>
[Collection(ClusterTestCollection.Name)]
public sealed class SharedDiscoveryClusterTests(ITestOutputHelper output)
{
    private static V1Pod Pod(string name, string ip) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Uid = "uid-" + name },
        Spec = new V1PodSpec { NodeName = "node-1", Containers = [new V1Container { Name = "app", Ports = [new V1ContainerPort { ContainerPort = 9100 }] }] },
        Status = new V1PodStatus { PodIP = ip, Phase = "Running" },
    };

    [Fact]
    public async Task One_silo_watches_every_silo_gets_the_targets_and_a_survivor_takes_over_without_a_gap()
    {
        await using var stub = new KubernetesApiStub();
        stub.Add(Pod("web-1", "10.0.0.1"));
        // A component whose runner is not the primary, which holds TestCluster's membership and must not stop.
        await using var cluster = await SharedDiscoveryCluster.StartAsync(stub, 3,
            nodes => SharedDiscoveryCluster.ComponentWhoseRunner(nodes, runner => runner != nodes.Order(StringComparer.Ordinal).First(n => n.StartsWith("Primary", StringComparison.Ordinal))));

        await cluster.WaitForTargetsEverywhereAsync(1);
        var runner = cluster.Runner();
        Assert.NotEqual(cluster.Cluster.Primary, runner);
        Assert.Equal(1, stub.WatchRequests);

        stub.Add(Pod("web-2", "10.0.0.2"));
        var changeToEverySilo = await cluster.WaitForTargetsEverywhereAsync(2);
        output.WriteLine($"a change at the API server reached all 3 silos in {changeToEverySilo.TotalMilliseconds:F0} ms; watches: {stub.WatchRequests}");
        Assert.Equal(1, stub.WatchRequests);

        var runnerName = SharedDiscoveryCluster.NodeName(runner);
        var stopping = Stopwatch.StartNew();
        await cluster.StopSiloAsync(runner);
        await SharedDiscoveryCluster.WaitAsync(() => stub.WatchRequests == 2, "a survivor opens its own watch");
        var takeover = stopping.Elapsed;
        var newRunner = cluster.Runner();
        output.WriteLine($"{runnerName} stopped; {SharedDiscoveryCluster.NodeName(newRunner)} watched {takeover.TotalMilliseconds:F0} ms after the stop began");

        stub.Add(Pod("web-3", "10.0.0.3"));
        var afterTakeover = await cluster.WaitForTargetsEverywhereAsync(3);
        output.WriteLine($"after the takeover a change reached both survivors in {afterTakeover.TotalMilliseconds:F0} ms");
        Assert.Equal(2, stub.WatchRequests);

        foreach (var silo in cluster.Running)
        {
            var counts = SharedDiscoveryCluster.ExportsOf(cluster.Host(silo)).Select(e => e.Targets.Count).ToList();
            var versions = cluster.Versions(silo);
            output.WriteLine($"{SharedDiscoveryCluster.NodeName(silo)}: target counts exported {string.Join(",", counts)}; versions {string.Join(",", versions)}");
            // The first export is the component's empty start; after the first list, never empty again.
            Assert.DoesNotContain(0, counts.SkipWhile(c => c == 0));
            Assert.Equal(versions.Order(), versions);
            Assert.Equal(versions.Distinct().Count(), versions.Count);
        }
    }

    [Fact]
    public async Task Without_the_clustering_block_every_silo_watches_for_itself_as_Alloy_does()
    {
        await using var stub = new KubernetesApiStub();
        stub.Add(Pod("web-1", "10.0.0.1"));
        var hosts = new List<FakeComponentHost>();
        var runs = new List<Task>();
        using var stop = new CancellationTokenSource();
        for (var i = 0; i < 3; i++)
        {
            var host = new FakeComponentHost("discovery.kubernetes.pods");
            var component = new DiscoveryKubernetesComponent(host);
            await component.UpdateAsync(new DiscoveryKubernetesArguments
            {
                ApiServer = stub.Url.ToString().TrimEnd('/'),
                Role = "pod",
                Namespaces = new KubernetesNamespacesArguments { Names = ["default"] },
            }, default);
            hosts.Add(host);
            runs.Add(component.RunAsync(stop.Token));
        }
        foreach (var host in hosts)
        {
            await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 1);
        }
        await SharedDiscoveryCluster.WaitAsync(() => stub.WatchRequests == 3, "three watches");
        await stop.CancelAsync();
        await Task.WhenAll(runs);
    }
}
