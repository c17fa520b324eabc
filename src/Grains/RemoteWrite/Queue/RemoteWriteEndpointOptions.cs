using System.Net.Http.Headers;
using AlloyOrleans.Grains.Discovery.Relabel;
using AlloyOrleans.Grains.RemoteWrite.Wal;

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

    /// <summary>The Authorization header (bearer token, basic auth or a custom scheme), if any.</summary>
    public AuthenticationHeaderValue? Authorization { get; init; }

    public Uri? ProxyUrl { get; init; }

    public RemoteWriteTlsOptions? Tls { get; init; }

    public QueueOptions Queue { get; init; } = new();

    /// <summary>
    /// The endpoint's <c>write_relabel_config</c> rules, applied when a sample leaves the WAL for this endpoint (so each
    /// endpoint can relabel differently); a sample they drop, or leave without labels, is not sent.
    /// </summary>
    public IReadOnlyList<RelabelRule> WriteRelabel { get; init; } = [];
}
