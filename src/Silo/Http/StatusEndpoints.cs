using AlloyOrleans.Grains.Membership;
using AlloyOrleans.Silo.Hosting;

namespace AlloyOrleans.Silo.Http;

/// <summary>Alloy's health and cluster endpoints: <c>/-/ready</c>, <c>/-/healthy</c>, <c>/api/v0/web/peers</c>.</summary>
public static class StatusEndpoints
{
    public static void MapStatusEndpoints(this WebApplication app)
    {
        app.MapGet("/-/healthy", () => Results.Text("Alloy is healthy.\n"));
        app.MapGet("/-/ready", (ComponentGraphService graph, ClusterViewService cluster) =>
        {
            var self = cluster.Current.Peers.FirstOrDefault(p => p.IsSelf);
            return graph.Started && self is { State: PeerState.Participant }
                ? Results.Text("Alloy is ready.\n")
                : Results.Text("Alloy is not ready.\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        app.MapGet("/api/v0/web/peers", (ClusterViewService cluster) => Results.Json(
            cluster.Current.Peers.Select(p => new PeerResponse(p.Name, p.Address, p.IsSelf, ClusterViewService.StateLabel(p.State)))));
    }

    private sealed record PeerResponse(string name, string addr, bool isSelf, string state);
}
