using System.Collections.Frozen;
using System.Reflection;

namespace AlloyOrleans.Silo.Http;

/// <summary>
/// The browser UI: plain HTML, CSS and JavaScript embedded in this assembly (no build step, nothing on disk).
/// <c>/</c> opens the clustering page; <c>/targets</c> lists this silo's targets per component.
/// </summary>
internal static class WebUi
{
    private const string ResourcePrefix = "web/";
    private const string DashboardMarker = "<!--dashboard-link-->";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    }.ToFrozenDictionary();

    public static void Map(WebApplication app, bool dashboardEnabled)
    {
        var files = Load(dashboardEnabled);
        app.MapGet("/", () => Results.Redirect("/clustering"));
        app.MapGet("/clustering", () => Serve(files, "clustering.html"));
        app.MapGet("/targets", () => Serve(files, "targets.html"));
        app.MapGet("/ui/{file}", (string file) => Serve(files, file));
    }

    private static IResult Serve(FrozenDictionary<string, (byte[] Body, string ContentType)> files, string name) =>
        files.TryGetValue(name, out var file)
            ? Results.Bytes(file.Body, file.ContentType)
            : Results.NotFound();

    /// <summary>Reads every page once at start-up; the navigation links to the dashboard only when it is mounted.</summary>
    private static FrozenDictionary<string, (byte[] Body, string ContentType)> Load(bool dashboardEnabled)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd().Replace(DashboardMarker,
                dashboardEnabled ? "<a href=\"/dashboard\">Orleans dashboard</a>" : string.Empty, StringComparison.Ordinal);
            files[name] = (System.Text.Encoding.UTF8.GetBytes(text), ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream"));
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
