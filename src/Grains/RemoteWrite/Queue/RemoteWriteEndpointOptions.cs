using AlloyOrleans.Grains.Discovery.Relabel;
using AlloyOrleans.Grains.Http;

namespace AlloyOrleans.Grains.RemoteWrite.Queue;

/// <summary>One remote write endpoint, resolved from its <c>endpoint</c> block.</summary>
public sealed record RemoteWriteEndpointOptions
{
    /// <summary>The <c>remote_name</c> label of its metrics; also names its durable position in the WAL.</summary>
    public required string Name { get; init; }

    public required Uri Url { get; init; }

    public TimeSpan RemoteTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra request headers (<c>X-Scope-OrgID</c>, …).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Authentication, TLS, proxy and HTTP version (the shared HTTP client block).</summary>
    public HttpClientSettings Http { get; init; } = HttpClientSettings.Default;

    public QueueOptions Queue { get; init; } = new();

    /// <summary>
    /// The endpoint's <c>write_relabel_config</c> rules, applied when a sample leaves the WAL for this endpoint (so each
    /// endpoint can relabel differently); a sample they drop, or leave without labels, is not sent.
    /// </summary>
    public IReadOnlyList<RelabelRule> WriteRelabel { get; init; } = [];
}
