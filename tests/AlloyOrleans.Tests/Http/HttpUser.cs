using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Discovery.Http;
using AlloyOrleans.Grains.Http;
using AlloyOrleans.Grains.RemoteWrite.Queue;
using AlloyOrleans.Grains.Scrape;
using AlloyOrleans.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace AlloyOrleans.Tests.Http;

/// <summary>The components that talk HTTP, each driven once through its real engine with the given client settings.</summary>
public enum HttpUser
{
    Scrape,
    Discovery,
    RemoteWrite,
}

public static class HttpUsers
{
    public static TheoryData<HttpUser> All() => new(HttpUser.Scrape, HttpUser.Discovery, HttpUser.RemoteWrite);

    /// <summary>One request of <paramref name="user"/> to <paramref name="server"/>: null when it succeeded, else the error.</summary>
    public static Task<string?> FetchAsync(HttpUser user, Uri server, HttpClientSettings settings, string scrapePath = "/metrics") => user switch
    {
        HttpUser.Scrape => ScrapeAsync(server, settings, scrapePath),
        HttpUser.Discovery => DiscoverAsync(new Uri(server, "/sd"), settings),
        _ => RemoteWriteAsync(new Uri(server, "/api/v1/write"), settings),
    };

    private static async Task<string?> ScrapeAsync(Uri server, HttpClientSettings settings, string path)
    {
        using var clients = new ScrapeHttpClients();
        var scraper = new TargetScraper(clients, TimeProvider.System, NullLogger<TargetScraper>.Instance);
        var job = new ScrapeJob
        {
            ComponentId = "prometheus.scrape.http", JobName = "http", Scheme = server.Scheme, Timeout = TimeSpan.FromSeconds(5),
            Http = settings, ForwardTo = [new RecordingSink()],
        };
        var target = ScrapeTarget.Create(job, LabelSet.From(("__address__", server.Authority), ("__metrics_path__", path)), out _)!;
        var report = await scraper.ScrapeAsync(job, target, new TargetScrapeState(), 1_700_000_000_000, CancellationToken.None);
        return report.Up ? null : report.Error ?? "down";
    }

    private static async Task<string?> DiscoverAsync(Uri url, HttpClientSettings settings)
    {
        var outcome = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new HttpDiscoveryOptions { Url = url, Http = settings, Timeout = TimeSpan.FromSeconds(5), MinBackoff = TimeSpan.FromMilliseconds(50) };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var discoverer = new HttpDiscoverer(options, new FirstErrorLogger(outcome));
        var running = discoverer.RunAsync(
            targets => outcome.TrySetResult(targets.Any(t => t.Get("__address__") == "discovered:9100") ? null : "unexpected targets"),
            stop.Token);
        var result = await outcome.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await stop.CancelAsync();
        await running;
        return result;
    }

    private static async Task<string?> RemoteWriteAsync(Uri url, HttpClientSettings settings)
    {
        using var client = new RemoteWriteClient(new RemoteWriteEndpointOptions { Name = "http", Url = url, Http = settings, RemoteTimeout = TimeSpan.FromSeconds(5) });
        var outcome = await client.SendAsync(new byte[] { 0 }, CancellationToken.None);
        return outcome.Kind == SendOutcomeKind.Sent ? null : outcome.Error is { Length: > 0 } error ? error : $"HTTP {outcome.StatusCode}";
    }

    /// <summary>Ends a discovery attempt at its first logged failure.</summary>
    private sealed class FirstErrorLogger(TaskCompletionSource<string?> outcome) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                outcome.TrySetResult(formatter(state, exception));
            }
        }
    }
}
