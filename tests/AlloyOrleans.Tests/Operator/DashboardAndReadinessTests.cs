using System.Net;
using AlloyOrleans.Grains.Membership;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AlloyOrleans.Tests.Operator;

/// <summary>
/// Two silos under one node name: the second is a viewer (Alloy's name-conflict case), so it is not ready and both
/// report the conflict. The second also runs with <c>--dashboard.enabled=false</c>: the dashboard is absent there.
/// </summary>
[Collection(OperatorClusterCollection.Name)]
public sealed class DashboardAndReadinessTests
{
    [Fact]
    public async Task Dashboard_answers_when_enabled_and_is_absent_when_disabled_and_a_duplicate_name_is_not_ready()
    {
        var storage = Path.Combine(Path.GetTempPath(), "alloy-orleans-twins-" + Guid.NewGuid().ToString("N"));
        var first = await HttpSilo.StartAsync("twin", storage);
        HttpSilo? second = null;
        try
        {
            second = await HttpSilo.StartAsync("twin", storage, first.SiloPort, "--dashboard.enabled=false");
            var dashboard = await first.Http.GetAsync("/dashboard");
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
            Assert.Contains("text/html", dashboard.Content.Headers.ContentType?.ToString());
            Assert.Equal(HttpStatusCode.NotFound, (await second.Http.GetAsync("/dashboard")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await second.Http.GetAsync("/dashboard/")).StatusCode);
            Assert.Contains("href=\"/dashboard\"", await first.GetStringAsync("/clustering"));
            Assert.DoesNotContain("href=\"/dashboard\"", await second.GetStringAsync("/clustering"));

            await OperatorCluster.WaitUntilAsync(() => Conflicts(first) && Conflicts(second), TimeSpan.FromSeconds(20),
                "both silos to see the name conflict");
            Assert.Equal(HttpStatusCode.OK, (await first.Http.GetAsync("/-/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await second.Http.GetAsync("/-/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await second.Http.GetAsync("/-/healthy")).StatusCode);

            var firstMetrics = await MetricsPage.ScrapeAsync(first.Http);
            var secondMetrics = await MetricsPage.ScrapeAsync(second.Http);
            Assert.Equal(1, firstMetrics.Single("cluster_node_name_conflict"));
            Assert.Equal(1, secondMetrics.Single("cluster_node_name_conflict"));
            Assert.Equal(1, firstMetrics.Single("cluster_node_info", ("state", "participant")));
            Assert.Equal(1, secondMetrics.Single("cluster_node_info", ("state", "viewer")));
        }
        finally
        {
            if (second is not null)
            {
                await second.DisposeAsync();
            }
            await first.DisposeAsync();
            Directory.Delete(storage, recursive: true);
        }
    }

    /// <summary>Two active silos, one name: one holder in the ring, two peers listed.</summary>
    private static bool Conflicts(HttpSilo silo)
    {
        var view = silo.Services.GetRequiredService<ClusterViewService>().Current;
        return view.ActiveByName.Count == 1 && view.Peers.Count(p => p.Name == "twin") == 2;
    }
}
