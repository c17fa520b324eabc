using AlloyOrleans.Grains.Http;
using k8s;

namespace AlloyOrleans.Grains.Discovery.Kubernetes;

/// <summary>Settings of Kubernetes discovery (Prometheus' kubernetes_sd_config, Alloy's discovery.kubernetes).</summary>
public sealed record KubernetesDiscoveryOptions
{
    public required KubernetesRole Role { get; init; }

    /// <summary>How to reach the API server (address, credentials, TLS).</summary>
    public required KubernetesClientConfiguration Client { get; init; }

    /// <summary>With api_server: the HTTP client settings (TLS, proxy, authentication) applied to the client's handler.</summary>
    public HttpClientSettings? Http { get; init; }

    /// <summary>Namespaces to watch; empty means all namespaces. Ignored for nodes.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    public IReadOnlyList<KubernetesSelector> Selectors { get; init; } = [];

    /// <summary>Adds the labels of the node a pod, endpoint or endpointslice target runs on (<c>attach_metadata { node = true }</c>).</summary>
    public bool AttachNodeMetadata { get; init; }

    /// <summary>The server ends each watch after this long; the client gives up on a silent one a little later.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}
