namespace AlloyOrleans.Silo.Http;

/// <summary>
/// The operator's view beyond Alloy's peers list: <c>/api/v0/web/cluster</c> (peers with ring share and load),
/// <c>/api/v0/web/targets</c> (this silo's targets, per component), and the browser pages that show them.
/// </summary>
public static class OperatorEndpoints
{
    public static void MapOperatorEndpoints(this WebApplication app, bool dashboardEnabled)
    {
        app.MapGet("/api/v0/web/cluster", async (ClusterOverview overview, CancellationToken cancellationToken) =>
            Results.Json(await overview.GetAsync(cancellationToken)));
        app.MapGet("/api/v0/web/targets", (TargetsOverview overview, string? component) =>
            Results.Json(overview.Get(component)));
        WebUi.Map(app, dashboardEnabled);
    }

    public static IServiceCollection AddOperatorEndpoints(this IServiceCollection services) => services
        .AddSingleton<ClusterOverview>()
        .AddSingleton<TargetsOverview>();
}
