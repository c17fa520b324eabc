using System.Collections.Concurrent;
using AlloyOrleans.Grains.Pyroscope;
using AlloyOrleans.Grains.Pyroscope.Push;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Tests.Pyroscope;

/// <summary>
/// A stand-in for a Pyroscope server on loopback (none can run here): it serves the connect endpoint
/// <c>POST /push.v1.PusherService/Push</c>, decodes every PushRequest with the generated messages, and answers as
/// scripted — a queue of connect errors to return first, then success.
/// </summary>
public sealed class PushReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Attempt> _attempts = new();
    private readonly ConcurrentQueue<(int Status, string Code)> _script = new();

    private PushReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>Every request, failed ones included, in arrival order.</summary>
    public IReadOnlyList<Attempt> Attempts => [.. _attempts];

    /// <summary>The requests that were answered with success.</summary>
    public IReadOnlyList<PushRequest> Accepted => [.. _attempts.Where(a => a.Status == 200).Select(a => a.Request)];

    /// <summary>When true every push is answered 503 unavailable.</summary>
    public bool Down { get; set; }

    public static async Task<PushReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new PushReceiver(app);
        app.MapPost("/" + ConnectPushClient.Path, receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = new Uri(app.Urls.First());
        return receiver;
    }

    /// <summary>The next pushes get these connect errors, one each, before pushes succeed again.</summary>
    public void FailNext(int status, string code, int times)
    {
        for (var i = 0; i < times; i++)
        {
            _script.Enqueue((status, code));
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var request = PushRequest.Parser.ParseFrom(body.ToArray());
        var (status, code) = Down ? (503, "unavailable") : _script.TryDequeue(out var scripted) ? scripted : (200, "");
        _attempts.Enqueue(new Attempt(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), status, request,
            context.Request.ContentType, context.Request.Headers["Connect-Protocol-Version"].ToString(), context.Request.Headers["X-Scope-OrgID"].ToString()));
        context.Response.StatusCode = status;
        if (status == 200)
        {
            context.Response.ContentType = "application/proto";
            return; // an empty PushResponse
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($"{{\"code\":\"{code}\",\"message\":\"scripted failure\"}}");
    }

    public sealed record Attempt(long TimeMs, int Status, PushRequest Request, string? ContentType, string ConnectVersion, string TenantHeader);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
