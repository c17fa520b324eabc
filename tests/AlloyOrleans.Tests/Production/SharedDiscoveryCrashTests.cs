using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using AlloyOrleans.Grains.Discovery.Shared;
using AlloyOrleans.Grains.Ring;
using AlloyOrleans.Tests.Discovery;
using AlloyOrleans.Tests.Infrastructure;
using k8s.Models;
using Xunit;
using Xunit.Abstractions;

namespace AlloyOrleans.Tests.Production;

/// <summary>
/// Discovery once per cluster across a real crash: three silo processes on PostgreSQL share one
/// <c>discovery.kubernetes</c> (with <c>clustering { enabled = true }</c>) against a loopback API-server stub; the silo
/// running it is killed with SIGKILL, a survivor opens the one new watch, and no survivor's target list is ever empty.
/// </summary>
[Collection(ProductionTestCollection.Name)]
public sealed class SharedDiscoveryCrashTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly string[] Names = ["a", "b", "c"];

    /// <summary>
    /// A component label whose runner is the same with a and b as with all three, so the third silo's join moves
    /// nothing and the cluster opens exactly one watch before the crash.
    /// </summary>
    private static readonly string Label = Enumerable.Range(0, 1000).Select(i => $"pods{i}")
        .First(l => HashRing.Build(["a", "b"]).Owner(DiscoveryRunnerChoice.Key("discovery.kubernetes." + l)) == HashRing.Build(Names).Owner(DiscoveryRunnerChoice.Key("discovery.kubernetes." + l)));

    private static V1Pod Pod(int port) => new()
    {
        Metadata = new V1ObjectMeta { Name = $"web-{port}", NamespaceProperty = "default", Uid = $"uid-{port}" },
        // Loopback addresses on closed ports: scrapes fail at once, which is all the silos need to hold the targets.
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Ports = [new V1ContainerPort { ContainerPort = port }] }] },
        Status = new V1PodStatus { PodIP = "127.0.0.1", Phase = "Running" },
    };

    [Fact]
    public async Task After_kill_9_of_the_runner_a_survivor_watches_and_no_silo_loses_its_targets()
    {
        await using var stub = new KubernetesApiStub();
        stub.Add(Pod(1));
        stub.Add(Pod(2));
        var connectionString = await postgres.NewDatabaseAsync();
        await SiloProcessCluster.DbInitThroughTheBinaryAsync(connectionString);
        await using var cluster = await SiloProcessCluster.StartAsync(connectionString, targetCount: 0, TimeSpan.FromSeconds(1));
        await File.WriteAllTextAsync(cluster.ConfigPath, $$"""
            discovery.kubernetes "{{Label}}" {
              api_server = "{{stub.Url.ToString().TrimEnd('/')}}"
              role       = "pod"
              namespaces {
                names = ["default"]
              }
              clustering {
                enabled = true
              }
            }

            prometheus.scrape "pods" {
              targets         = discovery.kubernetes.{{Label}}.targets
              forward_to      = []
              scrape_interval = "1s"
              scrape_timeout  = "500ms"
              clustering {
                enabled = true
              }
            }
            """);
        // wait-for-size 2: no silo runs the discoverer while it sees itself alone, so a and b starting together open
        // one watch, and c's join does not move it (see Label); the two survivors of the crash are still a ready cluster.
        string[] flags = ["--cluster.wait-for-size", "2"];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Task.WhenAll(Names[..2].Select(name => cluster.StartSiloAsync(name, flags)));
        await WaitAsync(async () => (await Task.WhenAll(Names[..2].Select(n => DiscoveredAsync(http, cluster[n])))).All(c => c == 2), "a and b hold the 2 targets", cluster);
        await cluster.StartSiloAsync("c", flags);
        await WaitAsync(async () => await DiscoveredAsync(http, cluster["c"]) == 2, "c, joining, receives the 2 targets", cluster);
        Assert.Equal(1, stub.WatchRequests);

        var runner = HashRing.Build(Names).Owner(DiscoveryRunnerChoice.Key("discovery.kubernetes." + Label))!;
        var survivors = Names.Where(n => n != runner).ToArray();
        var watchesBefore = stub.WatchRequests;
        var lowest = int.MaxValue;
        using var watching = new CancellationTokenSource();
        // Every 50 ms until the end: the smallest list any survivor served.
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                foreach (var name in survivors)
                {
                    if (await DiscoveredAsync(http, cluster[name]) is { } count)
                    {
                        lowest = Math.Min(lowest, count);
                    }
                }
                await Task.Delay(50);
            }
        });
        var killed = Stopwatch.StartNew();
        cluster[runner].Process!.Crash();
        await WaitAsync(() => Task.FromResult(stub.WatchRequests > watchesBefore), "a survivor opens its own watch", cluster);
        var takeover = killed.Elapsed;

        stub.Add(Pod(3));
        var change = Stopwatch.StartNew();
        await WaitAsync(async () => (await Task.WhenAll(survivors.Select(n => DiscoveredAsync(http, cluster[n])))).All(c => c == 3), "both survivors hold the new target", cluster);
        output.WriteLine($"kill -9 of runner {runner}: a survivor watched after {takeover.TotalMilliseconds:F0} ms; a change then reached both survivors in {change.ElapsedMilliseconds} ms; smallest list a survivor served: {lowest}");
        await watching.CancelAsync();
        await watcher;

        Assert.Equal(watchesBefore + 1, stub.WatchRequests);
        Assert.Equal(2, lowest);
        Assert.True(takeover < ProcessClusterTests.FailureDetectionBound + TimeSpan.FromSeconds(3), $"takeover took {takeover}");
    }

    /// <summary>How many targets the silo's discovery gave its scrape component, or null if it did not answer.</summary>
    private static async Task<int?> DiscoveredAsync(HttpClient http, SiloProcessCluster.Silo silo)
    {
        try
        {
            var components = await http.GetFromJsonAsync<JsonElement>($"http://{silo.HttpAddress}/api/v0/web/targets?component=prometheus.scrape.pods");
            return components.EnumerateArray().Select(c => c.GetProperty("discoveredTargets").GetInt32()).DefaultIfEmpty(0).Single();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, SiloProcessCluster cluster)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}\n{cluster.Logs()}");
            await Task.Delay(25);
        }
    }
}
