using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Tests.Infrastructure;

/// <summary>
/// Real HTTP targets on loopback: <c>GET /t/{id}</c> serves a counter that counts its own scrapes, and records the
/// time of every scrape so tests can count scrapes per target per slot. A <c>silo</c> query parameter (a job's
/// <c>params</c>) is recorded as the scraper's name. A target can be switched to serving malformed text.
/// </summary>
public sealed class ScrapeTargetServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<int, ConcurrentQueue<Scrape>> _scrapes = new();
    private readonly ConcurrentDictionary<int, Response> _overrides = new();
    private readonly ConcurrentDictionary<int, IHeaderDictionary> _lastHeaders = new();
    private readonly ConcurrentDictionary<(int Id, long Served), long> _answeredMs = new();

    private ScrapeTargetServer(WebApplication app) => _app = app;

    public string Address { get; private set; } = "";

    public static async Task<ScrapeTargetServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new ScrapeTargetServer(app);
        app.MapGet("/t/{id:int}", (int id, HttpContext context) => server.RespondAsync(id, context));
        await app.StartAsync();
        server.Address = new Uri(app.Urls.First()).Authority;
        return server;
    }

    /// <summary>Serves malformed exposition text for this target from now on.</summary>
    public void ServeMalformed(int id) => Serve(id, "test_scrapes_total{target=\"" + id + "\" 1\n");

    /// <summary>Serves this body for the target from now on, optionally gzipped or after a delay.</summary>
    public void Serve(int id, string body, string contentType = "text/plain; version=0.0.4", bool gzip = false, TimeSpan delay = default) =>
        _overrides[id] = new Response(body, contentType, gzip, delay);

    /// <summary>The request headers of the target's latest scrape.</summary>
    public IHeaderDictionary? LastHeaders(int id) => _lastHeaders.GetValueOrDefault(id);

    /// <summary>Unix milliseconds of every scrape of a target so far.</summary>
    public IReadOnlyList<long> ScrapesOf(int id) => [.. ScrapesWithScraperOf(id).Select(s => s.TimeMs)];

    /// <summary>Every scrape of a target so far with the scraper's name (the <c>silo</c> query parameter, or null).</summary>
    public IReadOnlyList<Scrape> ScrapesWithScraperOf(int id) => _scrapes.TryGetValue(id, out var scrapes) ? [.. scrapes] : [];

    public int TotalScrapes => _scrapes.Values.Sum(q => q.Count);

    /// <summary>When (Unix milliseconds) the response to a target's scrape number <paramref name="served"/> was sent, if it was.</summary>
    public long? AnsweredMs(int id, long served) => _answeredMs.TryGetValue((id, served), out var ms) ? ms : null;

    private async Task<IResult> RespondAsync(int id, HttpContext context)
    {
        var times = _scrapes.GetOrAdd(id, _ => new ConcurrentQueue<Scrape>());
        Scrape scrape;
        lock (times)
        {
            // The counter value served is this scrape's number, so a receiver's samples name the scrapes they came from.
            scrape = new Scrape(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), context.Request.Query["silo"].FirstOrDefault(), times.Count + 1);
            times.Enqueue(scrape);
        }
        _lastHeaders[id] = new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value));
        context.Response.OnCompleted(() =>
        {
            _answeredMs[(id, scrape.Served)] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            return Task.CompletedTask;
        });
        if (_overrides.TryGetValue(id, out var response))
        {
            if (response.Delay > TimeSpan.Zero)
            {
                await Task.Delay(response.Delay, context.RequestAborted);
            }
            if (!response.Gzip)
            {
                return Results.Text(response.Body, response.ContentType);
            }
            var compressed = new MemoryStream();
            await using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            {
                await gzip.WriteAsync(System.Text.Encoding.UTF8.GetBytes(response.Body));
            }
            context.Response.Headers.ContentEncoding = "gzip";
            return Results.Bytes(compressed.ToArray(), response.ContentType);
        }
        return Results.Text(
            "# HELP test_scrapes_total Scrapes of this target.\n# TYPE test_scrapes_total counter\n" +
            $"test_scrapes_total{{target=\"{id}\"}} {scrape.Served}\ntest_gauge{{target=\"{id}\",kind=\"constant\",job=\"exporter\"}} 42\n",
            "text/plain; version=0.0.4");
    }

    /// <summary>One scrape: when (Unix milliseconds), by whom, and the <c>test_scrapes_total</c> value it served.</summary>
    public readonly record struct Scrape(long TimeMs, string? Scraper, long Served);

    private sealed record Response(string Body, string ContentType, bool Gzip, TimeSpan Delay);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
