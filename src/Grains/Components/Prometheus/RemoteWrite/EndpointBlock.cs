using AlloyOrleans.Grains.Components.Common.Http;
using AlloyOrleans.Grains.Components.Common.Relabel;

namespace AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;

/// <summary>An <c>endpoint</c> block: where to send, how to authenticate, how to queue.</summary>
public sealed class EndpointBlock
{
    [Alloy("url", Required = true)]
    public string Url { get; set; } = "";

    /// <summary>The <c>remote_name</c> in metrics; generated from the URL when empty.</summary>
    [Alloy("name")]
    public string Name { get; set; } = "";

    [Alloy("headers")]
    public IReadOnlyDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>();

    [Alloy("remote_timeout")]
    public TimeSpan RemoteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Accepted for compatibility; our samples carry no exemplars, so there is nothing to send.</summary>
    [Alloy("send_exemplars")]
    public bool SendExemplars { get; set; } = true;

    [Alloy("bearer_token")]
    public string BearerToken { get; set; } = "";

    [Alloy("bearer_token_file")]
    public string BearerTokenFile { get; set; } = "";

    [Alloy("proxy_url")]
    public string ProxyUrl { get; set; } = "";

    [AlloyBlock("basic_auth")]
    public BasicAuthArguments? BasicAuth { get; set; }

    [AlloyBlock("authorization")]
    public AuthorizationArguments? Authorization { get; set; }

    [AlloyBlock("tls_config")]
    public TlsConfigArguments? TlsConfig { get; set; }

    [AlloyBlock("queue_config")]
    public QueueConfigBlock QueueConfig { get; set; } = new();

    /// <summary>Relabel rules (the same attributes as a <c>rule</c> block) applied just before sending to this endpoint.</summary>
    [AlloyBlock("write_relabel_config")]
    public IReadOnlyList<RelabelRuleArguments> WriteRelabelConfigs { get; set; } = [];

    internal void Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ComponentArgumentException("url", $"\"{Url}\" is not an absolute http or https URL");
        }
        if (ProxyUrl.Length > 0 && !Uri.TryCreate(ProxyUrl, UriKind.Absolute, out _))
        {
            throw new ComponentArgumentException("proxy_url", $"\"{ProxyUrl}\" is not an absolute URL");
        }
        if (RemoteTimeout <= TimeSpan.Zero)
        {
            throw new ComponentArgumentException("remote_timeout", "must be greater than zero");
        }
        var authenticators = (BearerToken.Length > 0 ? 1 : 0) + (BearerTokenFile.Length > 0 ? 1 : 0) +
            (BasicAuth is not null ? 1 : 0) + (Authorization is not null ? 1 : 0);
        if (authenticators > 1)
        {
            throw new ComponentArgumentException("endpoint",
                "at most one of bearer_token, bearer_token_file, basic_auth and authorization may be set");
        }
        BasicAuth?.Validate();
        Authorization?.Validate();
        QueueConfig.Validate();
        RelabelRuleArguments.ToRules(WriteRelabelConfigs);
    }
}
