using AlloyOrleans.Grains.Http;

namespace AlloyOrleans.Grains.Pyroscope;

/// <summary>
/// One <c>pyroscope.write</c> endpoint, with Alloy's defaults: a 10 s <c>remote_timeout</c>, backoff from 500 ms to
/// 5 min and 10 retries (0 retries forever). <see cref="QueueBytes"/> is ours: what may wait for the endpoint
/// before the oldest profiles are dropped.
/// </summary>
public sealed record PushEndpointOptions
{
    public required Uri Url { get; init; }

    /// <summary>The endpoint's name in logs; Alloy labels its metrics by URL.</summary>
    public string Name { get; init; } = "";

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public TimeSpan RemoteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);

    public int MaxBackoffRetries { get; init; } = 10;

    /// <summary>Profiles (compressed) waiting for this endpoint at most; beyond it the oldest are dropped and counted.</summary>
    public long QueueBytes { get; init; } = 64L << 20;

    /// <summary>Authentication, TLS, proxy and HTTP version (the shared HTTP client block).</summary>
    public HttpClientSettings Http { get; init; } = HttpClientSettings.Default;
}
