using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Tests.Pyroscope;

/// <summary>
/// Many pprof targets on one loopback server: <c>GET /t/{id}/debug/pprof/{type}</c> serves a gzip'd heap-shaped
/// profile whose totals grow with every scrape, and records when each (target, type) was scraped, so tests can count
/// scrapes per slot. A (target, type) can be scripted to serve another body or to hang.
/// </summary>
public sealed class PprofTargetServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<(int Id, string Type), ConcurrentQueue<long>> _scrapes = new();
    private readonly ConcurrentDictionary<(int Id, string Type), Func<HttpContext, Task>> _overrides = new();

    private PprofTargetServer(WebApplication app) => _app = app;

    public string Address { get; private set; } = "";

    public static async Task<PprofTargetServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new PprofTargetServer(app);
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

    public IReadOnlyList<long> ScrapesOf(int id, string type) => _scrapes.TryGetValue((id, type), out var times) ? [.. times] : [];

    private async Task RespondAsync(int id, string type, HttpContext context)
    {
        var times = _scrapes.GetOrAdd((id, type), _ => new ConcurrentQueue<long>());
        times.Enqueue(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (_overrides.TryGetValue((id, type), out var respond))
        {
            await respond(context);
            return;
        }
        await ServeProfileAsync(context, times.Count);
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
    }
}
