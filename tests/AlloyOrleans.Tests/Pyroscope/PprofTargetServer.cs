using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using AlloyOrleans.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Tests.Pyroscope;

/// <summary>
/// Many pprof targets on one loopback server: <c>GET /t/{id}/debug/pprof/{type}</c> serves a gzip'd heap-shaped
/// profile whose totals grow with every scrape — or, given real Go programs as upstreams, forwards the request to
/// <c>/debug/pprof/{type}</c> of upstream <c>id mod n</c> and serves its answer unchanged — and records when each
/// (target, type) was scraped and by whom (the <c>silo</c> query parameter), so tests can count scrapes per slot.
/// A (target, type) can be scripted to serve another body or to hang.
/// </summary>
public sealed class PprofTargetServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IReadOnlyList<string> _upstreams;
    private readonly HttpClient _upstream = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly ConcurrentDictionary<(int Id, string Type), ConcurrentQueue<ScrapeTargetServer.Scrape>> _scrapes = new();
    private readonly ConcurrentDictionary<(int Id, string Type), Func<HttpContext, Task>> _overrides = new();

    private PprofTargetServer(WebApplication app, IReadOnlyList<string> upstreams)
    {
        _app = app;
        _upstreams = upstreams;
    }

    public string Address { get; private set; } = "";

    /// <param name="upstreams">Addresses (<c>host:port</c>) of real Go programs to forward to; synthetic profiles if none.</param>
    public static async Task<PprofTargetServer> StartAsync(IReadOnlyList<string>? upstreams = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new PprofTargetServer(app, upstreams ?? []);
        app.MapGet("/t/{id:int}/debug/pprof/{type}", (int id, string type, HttpContext context) => server.RespondAsync(id, type, context));
        await app.StartAsync();
        server.Address = new Uri(app.Urls.First()).Authority;
        return server;
    }

    /// <summary>Serves this body (with status 200 unless told) for the target's profile type from now on.</summary>
    public void Serve(int id, string type, byte[] body, int status = 200) =>
        _overrides[(id, type)] = async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/octet-stream";
            await context.Response.Body.WriteAsync(body);
        };

    /// <summary>Answers nothing for the target's profile type until the client gives up.</summary>
    public void Hang(int id, string type) =>
        _overrides[(id, type)] = context => Task.Delay(Timeout.Infinite, context.RequestAborted);

    /// <summary>Serves the usual profile for the target's profile type, but only after this delay.</summary>
    public void Slow(int id, string type, TimeSpan delay) =>
        _overrides[(id, type)] = async context =>
        {
            await Task.Delay(delay, context.RequestAborted);
            await ServeProfileAsync(context, ScrapesOf(id, type).Count);
        };

    public IReadOnlyList<long> ScrapesOf(int id, string type) => [.. ScrapesWithScraperOf(id, type).Select(s => s.TimeMs)];

    /// <summary>Every scrape of the target's profile type so far with the scraper's name (the <c>silo</c> query parameter, or null).</summary>
    public IReadOnlyList<ScrapeTargetServer.Scrape> ScrapesWithScraperOf(int id, string type) => _scrapes.TryGetValue((id, type), out var scrapes) ? [.. scrapes] : [];

    private async Task RespondAsync(int id, string type, HttpContext context)
    {
        var scrapes = _scrapes.GetOrAdd((id, type), _ => new ConcurrentQueue<ScrapeTargetServer.Scrape>());
        scrapes.Enqueue(new ScrapeTargetServer.Scrape(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), context.Request.Query["silo"].FirstOrDefault(), scrapes.Count + 1));
        if (_overrides.TryGetValue((id, type), out var respond))
        {
            await respond(context);
        }
        else if (_upstreams.Count > 0)
        {
            await ForwardAsync(_upstreams[id % _upstreams.Count], type, context);
        }
        else
        {
            await ServeProfileAsync(context, scrapes.Count);
        }
    }

    /// <summary>The real program's answer, status and body unchanged (its own query, e.g. <c>seconds</c>, passed on).</summary>
    private async Task ForwardAsync(string upstream, string type, HttpContext context)
    {
        var query = string.Join('&', context.Request.Query.Where(q => q.Key != "silo").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}"));
        using var response = await _upstream.GetAsync($"http://{upstream}/debug/pprof/{type}{(query.Length > 0 ? "?" + query : "")}", context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private static async Task ServeProfileAsync(HttpContext context, long n)
    {
        var body = SyntheticProfiles.HeapGzip(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000, (0x10, 0x20, [n, n * 100L, 1, 100]), (0x11, 0x20, [1, 10, 1, 10]));
        context.Response.ContentType = "application/octet-stream";
        await context.Response.Body.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
