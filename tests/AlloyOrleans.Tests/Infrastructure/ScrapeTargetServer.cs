using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Tests.Infrastructure;

/// <summary>
/// Real HTTP targets on loopback: <c>GET /t/{id}</c> serves a counter that counts its own scrapes, and records the
/// time of every scrape so tests can count scrapes per target per slot. A target can be switched to serving
/// malformed text.
/// </summary>
public sealed class ScrapeTargetServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<int, ConcurrentQueue<long>> _scrapes = new();
    private readonly ConcurrentDictionary<int, string> _overrides = new();

    private ScrapeTargetServer(WebApplication app) => _app = app;

    public string Address { get; private set; } = "";

    public static async Task<ScrapeTargetServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new ScrapeTargetServer(app);
        app.MapGet("/t/{id:int}", (int id, HttpContext context) => server.Serve(id, context));
        await app.StartAsync();
        server.Address = new Uri(app.Urls.First()).Authority;
        return server;
    }

    /// <summary>Serves malformed exposition text for this target from now on.</summary>
    public void ServeMalformed(int id) => _overrides[id] = "test_scrapes_total{target=\"" + id + "\" 1\n";

    /// <summary>Unix milliseconds of every scrape of a target so far.</summary>
    public IReadOnlyList<long> ScrapesOf(int id) => _scrapes.TryGetValue(id, out var times) ? [.. times] : [];

    public int TotalScrapes => _scrapes.Values.Sum(q => q.Count);

    private IResult Serve(int id, HttpContext context)
    {
        var times = _scrapes.GetOrAdd(id, _ => new ConcurrentQueue<long>());
        times.Enqueue(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (_overrides.TryGetValue(id, out var body))
        {
            return Results.Text(body, "text/plain; version=0.0.4");
        }
        return Results.Text(
            "# HELP test_scrapes_total Scrapes of this target.\n# TYPE test_scrapes_total counter\n" +
            $"test_scrapes_total{{target=\"{id}\"}} {times.Count}\ntest_gauge{{target=\"{id}\",kind=\"constant\"}} 42\n",
            "text/plain; version=0.0.4");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
