using AlloyOrleans.Grains.Http;

namespace AlloyOrleans.Grains.Discovery.Http;

/// <summary>Settings of HTTP discovery (Prometheus' http_sd_config, Alloy's discovery.http).</summary>
public sealed record HttpDiscoveryOptions
{
    public required Uri Url { get; init; }

    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The limit for one request, response body included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first retry delay after a failure; it doubles up to the refresh interval.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Responses larger than this fail (a bound on memory).</summary>
    public long MaxResponseBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>Authentication, TLS, proxy and HTTP version of the requests.</summary>
    public HttpClientSettings Http { get; init; } = HttpClientSettings.Default;
}
