using System.Collections.Frozen;
using System.Net;
using System.Reflection;
using System.Text;

namespace AlloyOrleans.Silo.Http;

/// <summary>
/// The browser UI: plain HTML, CSS and JavaScript embedded in this assembly (no build step, nothing on disk).
/// <c>/</c> opens the clustering page; <c>/targets</c> lists this silo's targets per component. Each page is a
/// fragment put into <c>layout.html</c> once, at start-up.
/// </summary>
internal static class WebUi
{
    private const string ResourcePrefix = "web/";

    /// <summary>The pages in navigation order: path (also the name of their .html fragment and .js), title.</summary>
    private static readonly (string Page, string Title)[] Pages = [("clustering", "Clustering"), ("targets", "Targets")];

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    }.ToFrozenDictionary();

    public static void Map(WebApplication app, bool dashboardEnabled)
    {
        var resources = ReadResources();
        var layout = Encoding.UTF8.GetString(resources["layout.html"]);
        foreach (var (page, title) in Pages)
        {
            var html = Encoding.UTF8.GetBytes(layout
                .Replace("{{title}}", title, StringComparison.Ordinal)
                .Replace("{{nav}}", Navigation(page, dashboardEnabled), StringComparison.Ordinal)
                .Replace("{{content}}", Encoding.UTF8.GetString(resources[page + ".html"]), StringComparison.Ordinal)
                .Replace("{{page}}", page, StringComparison.Ordinal));
            app.MapGet("/" + page, () => Results.Bytes(html, "text/html; charset=utf-8"));
        }
        app.MapGet("/", () => Results.Redirect("/" + Pages[0].Page));

        var assets = resources
            .Where(r => ContentTypes.ContainsKey(Path.GetExtension(r.Key)))
            .ToFrozenDictionary(r => r.Key, r => (Body: r.Value, ContentType: ContentTypes[Path.GetExtension(r.Key)]), StringComparer.Ordinal);
        app.MapGet("/ui/{file}", (string file) => assets.TryGetValue(file, out var asset)
            ? Results.Bytes(asset.Body, asset.ContentType)
            : Results.NotFound());
    }

    private static string Navigation(string current, bool dashboardEnabled)
    {
        var links = Pages.Select(p => $"<a href=\"/{p.Page}\"{(p.Page == current ? " class=\"active\"" : "")}>{WebUtility.HtmlEncode(p.Title)}</a>")
            .Append("<a href=\"/metrics\">Metrics</a>");
        if (dashboardEnabled)
        {
            links = links.Append("<a href=\"/dashboard\">Orleans dashboard</a>");
        }
        return string.Join(" ", links);
    }

    private static Dictionary<string, byte[]> ReadResources()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            files[resource[ResourcePrefix.Length..]] = buffer.ToArray();
        }
        return files;
    }
}
