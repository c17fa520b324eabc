using System.Net;
using System.Text.Json;
using AlloyOrleans.Grains.Ring;
using Xunit;

namespace AlloyOrleans.Tests.Operator;

/// <summary>The JSON APIs: Alloy's peers list, and the cluster and targets documents behind the pages.</summary>
[Collection(OperatorClusterCollection.Name)]
public sealed class WebApiTests(OperatorCluster cluster)
{
    [Fact]
    public async Task Every_silo_lists_the_same_three_peers_in_Alloys_shape_and_marks_only_itself()
    {
        var views = new List<HashSet<(string Name, string Addr, string State)>>();
        foreach (var silo in cluster.Silos)
        {
            using var peers = JsonDocument.Parse(await silo.GetStringAsync("/api/v0/web/peers"));
            var entries = peers.RootElement.EnumerateArray().ToList();
            Assert.Equal(3, entries.Count);
            foreach (var entry in entries)
            {
                Assert.Equal(["addr", "isSelf", "name", "state"], entry.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            }
            var self = Assert.Single(entries, e => e.GetProperty("isSelf").GetBoolean());
            Assert.Equal(silo.NodeName, self.GetProperty("name").GetString());
            Assert.EndsWith(":" + silo.SiloPort, self.GetProperty("addr").GetString());
            views.Add([.. entries.Select(e => (e.GetProperty("name").GetString()!, e.GetProperty("addr").GetString()!, e.GetProperty("state").GetString()!))]);
        }
        Assert.All(views, view => Assert.True(view.SetEquals(views[0]), "silos disagree about the peers"));
        Assert.Equal(cluster.Silos.Select(s => s.NodeName).Order(), views[0].Select(p => p.Name).Order());
        Assert.All(views[0], p => Assert.Equal("participant", p.State));
    }

    [Fact]
    public async Task Targets_api_lists_each_target_on_exactly_its_owner_with_its_last_scrape()
    {
        var seen = new Dictionary<string, string>();
        foreach (var silo in cluster.Silos)
        {
            using var document = JsonDocument.Parse(await silo.GetStringAsync("/api/v0/web/targets"));
            var component = Assert.Single(document.RootElement.EnumerateArray());
            Assert.Equal(OperatorCluster.ComponentId, component.GetProperty("componentId").GetString());
            Assert.Equal(OperatorCluster.TargetCount, component.GetProperty("discoveredTargets").GetInt32());
            Assert.True(component.GetProperty("clustered").GetBoolean());
            foreach (var target in component.GetProperty("targets").EnumerateArray())
            {
                var id = int.Parse(target.GetProperty("labels").GetProperty("target").GetString()!);
                Assert.Equal(cluster.OwnerOf(id), silo.NodeName);
                Assert.True(seen.TryAdd(target.GetProperty("url").GetString()!, silo.NodeName), "a target is listed by two silos");
                Assert.Equal("operator", target.GetProperty("labels").GetProperty("job").GetString());
                Assert.True(target.GetProperty("lastScrape").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
                Assert.True(target.GetProperty("lastScrapeDurationSeconds").GetDouble() > 0);
                if (id == OperatorCluster.MalformedTarget)
                {
                    Assert.Equal("down", target.GetProperty("health").GetString());
                    Assert.False(string.IsNullOrEmpty(target.GetProperty("lastError").GetString()));
                    Assert.Equal(0, target.GetProperty("seriesCount").GetInt32());
                }
                else
                {
                    Assert.Equal("up", target.GetProperty("health").GetString());
                    Assert.Equal(JsonValueKind.Null, target.GetProperty("lastError").ValueKind);
                    Assert.Equal(2, target.GetProperty("seriesCount").GetInt32()); // the target server's two series
                }
            }
        }
        Assert.Equal(OperatorCluster.TargetCount, seen.Count);

        var filtered = await cluster.Silos[0].Http.GetStringAsync("/api/v0/web/targets?component=prometheus.scrape.absent");
        Assert.Equal("[]", filtered);
    }

    [Fact]
    public async Task Cluster_api_gives_every_peer_its_ring_share_and_load_the_same_from_every_silo()
    {
        var expectedShares = RingShare.Of(cluster.Silos.Select(s => s.NodeName));
        var expectedTargets = cluster.ExpectedTargetsPerNode();
        foreach (var silo in cluster.Silos)
        {
            using var document = JsonDocument.Parse(await silo.GetStringAsync("/api/v0/web/cluster"));
            var root = document.RootElement;
            Assert.Equal(silo.NodeName, root.GetProperty("self").GetString());
            Assert.True(root.GetProperty("readyForTraffic").GetBoolean());
            var peers = root.GetProperty("peers").EnumerateArray().ToList();
            Assert.Equal(3, peers.Count);
            foreach (var peer in peers)
            {
                var name = peer.GetProperty("name").GetString()!;
                Assert.Equal(JsonValueKind.Null, peer.GetProperty("error").ValueKind);
                Assert.Equal(expectedShares[name], peer.GetProperty("ringShare").GetDouble(), 12);
                Assert.Equal(expectedTargets.GetValueOrDefault(name), peer.GetProperty("targets").GetInt32());
                Assert.Equal(name == cluster.OwnerOf(OperatorCluster.MalformedTarget) ? 1 : 0, peer.GetProperty("downTargets").GetInt32());
                // Two samples per healthy target per one-second interval.
                Assert.Equal(2.0 * (expectedTargets.GetValueOrDefault(name) - peer.GetProperty("downTargets").GetInt32()),
                    peer.GetProperty("samplesPerSecond").GetDouble(), 6);
                Assert.Equal(peer.GetProperty("samplesPerSecond").GetDouble() / root.GetProperty("samplesPerSecond").GetDouble(),
                    peer.GetProperty("samplesShare").GetDouble(), 9);
            }
            Assert.Equal(2.0 * (OperatorCluster.TargetCount - 1), root.GetProperty("samplesPerSecond").GetDouble(), 6);
            Assert.Equal(1.0 / 3, root.GetProperty("fairShare").GetDouble(), 12);
            Assert.Empty(root.GetProperty("weightsTables").EnumerateArray()); // no component balances by samples
            var arcs = root.GetProperty("ringArcs").EnumerateArray().ToList();
            Assert.Equal(0, arcs[0].GetProperty("start").GetDouble());
            Assert.Equal(1, arcs[^1].GetProperty("end").GetDouble(), 12);
            Assert.Equal(expectedShares.Keys.Order(), arcs.Select(a => a.GetProperty("node").GetString()).Distinct().Order());
        }
    }

    [Fact]
    public async Task Health_and_readiness_answer_on_an_active_silo_with_its_configuration_loaded()
    {
        foreach (var silo in cluster.Silos)
        {
            Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/-/healthy")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/-/ready")).StatusCode);
        }
    }
}
