using System.Collections.Concurrent;
using System.Net;
using AlloyOrleans.Grains.Http;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// One pooled HttpClient per distinct set of job HTTP settings (TLS, proxy and compression live on the handler), so
/// connections to targets are reused across scrapes, as Prometheus does.
/// </summary>
public sealed class ScrapeHttpClients : IDisposable
{
    private readonly ConcurrentDictionary<(HttpClientSettings Settings, bool Compression), HttpClient> _clients = new();

    public HttpClient For(ScrapeJob job) => _clients.GetOrAdd((job.Http, job.EnableCompression), static key => Create(key.Settings, key.Compression));

    private static HttpClient Create(HttpClientSettings settings, bool compression) =>
        // Per-request timeouts come from scrape_timeout.
        new(HttpHandlerFactory.Create(settings, compression ? DecompressionMethods.GZip : DecompressionMethods.None, TimeSpan.FromSeconds(10)))
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}
