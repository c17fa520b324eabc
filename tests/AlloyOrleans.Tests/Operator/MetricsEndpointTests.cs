using Xunit;

namespace AlloyOrleans.Tests.Operator;

/// <summary>Each silo's <c>/metrics</c>, read by our own exposition parser, carries Alloy's names with true values.</summary>
[Collection(OperatorClusterCollection.Name)]
public sealed class MetricsEndpointTests(OperatorCluster cluster)
{
    private static readonly (string, string) Component = ("component_id", OperatorCluster.ComponentId);

    [Fact]
    public async Task Cluster_metrics_show_three_participants_ready_and_no_name_conflict_on_every_silo()
    {
        foreach (var silo in cluster.Silos)
        {
            var metrics = await MetricsPage.ScrapeAsync(silo.Http);
            var clusterName = ("cluster_name", OperatorCluster.ClusterName);
            Assert.Equal(3, metrics.Single("cluster_node_peers", clusterName, ("state", "participant")));
            Assert.Equal(0, metrics.Single("cluster_node_peers", clusterName, ("state", "viewer")));
            Assert.Equal(0, metrics.Single("cluster_node_peers", clusterName, ("state", "terminating")));
            Assert.Equal(1, metrics.Single("cluster_node_info", ("state", "participant")));
            Assert.Empty(metrics.Series("cluster_node_info", ("state", "viewer")));
            Assert.Equal(1, metrics.Single("cluster_ready_for_traffic"));
            Assert.Equal(0, metrics.Single("cluster_minimum_size"));
            Assert.Equal(0, metrics.Single("cluster_node_name_conflict"));
            // Every silo rebuilt its ring at least once (when it saw the others join); the histogram counts them.
            var updates = metrics.Single("cluster_node_update_duration_seconds_count");
            Assert.True(updates >= 1, $"{silo.NodeName}: cluster_node_update_duration_seconds_count = {updates}");
            Assert.Equal(updates, metrics.Single("cluster_node_update_duration_seconds_bucket", ("le", "+Inf")));
            // Orleans' own meter is exported next to ours.
            Assert.Contains(metrics.Samples, s => s.Name.StartsWith("orleans_", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Target_gauges_follow_the_ring_and_sum_to_every_target()
    {
        var expected = cluster.ExpectedTargetsPerNode();
        double total = 0;
        foreach (var silo in cluster.Silos)
        {
            var metrics = await MetricsPage.ScrapeAsync(silo.Http);
            var gauge = metrics.Sum("prometheus_scrape_targets_gauge", Component);
            Assert.Equal(expected.GetValueOrDefault(silo.NodeName), gauge);
            total += gauge;
        }
        Assert.Equal(OperatorCluster.TargetCount, total);
    }

    [Fact]
    public async Task Scrape_counters_count_samples_and_failures_per_component_on_the_silo_that_scrapes()
    {
        var malformedOwner = cluster.Silos.Single(s => s.NodeName == cluster.OwnerOf(OperatorCluster.MalformedTarget));

        foreach (var silo in cluster.Silos)
        {
            // One exposition can be collected between the counters of a scrape in progress: read until consistent.
            var consistent = false;
            for (var attempt = 0; attempt < 10 && !consistent; attempt++)
            {
                var metrics = await MetricsPage.ScrapeAsync(silo.Http);
                var scrapes = metrics.Sum("prometheus_target_scrapes_total", Component);
                var failed = metrics.Sum("prometheus_target_scrapes_failed_total", Component);
                var samples = metrics.Sum("prometheus_target_scrape_samples_total", Component);
                var durations = metrics.Sum("prometheus_target_scrape_duration_seconds_count", Component);
                var targets = metrics.Sum("prometheus_scrape_targets_gauge", Component);

                // Each target was scraped at least once; each healthy scrape gives two samples.
                Assert.True(scrapes >= targets, $"{silo.NodeName}: {scrapes} scrapes of {targets} targets");
                Assert.True(silo == malformedOwner ? failed >= 1 : failed == 0,
                    $"{silo.NodeName}: {failed} failed scrapes (scrapes the malformed target: {silo == malformedOwner})");
                consistent = durations == scrapes && samples == 2 * (scrapes - failed);
            }
            Assert.True(consistent, $"{silo.NodeName}: scrape, failure, duration and sample counters never agreed");
        }
    }
}
