using AlloyOrleans.Grains.Components.Common.Http;
using AlloyOrleans.Grains.Components.Common.Relabel;
using AlloyOrleans.Grains.Http;

namespace AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;

/// <summary>An <c>endpoint</c> block: where to send, how to queue, and the shared HTTP client settings.</summary>
public sealed class EndpointBlock : HttpClientArguments
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

    [AlloyBlock("queue_config")]
    public QueueConfigBlock QueueConfig { get; set; } = new();

    /// <summary>Relabel rules (the same attributes as a <c>rule</c> block) applied just before sending to this endpoint.</summary>
    [AlloyBlock("write_relabel_config")]
    public IReadOnlyList<RelabelRuleArguments> WriteRelabelConfigs { get; set; } = [];

    public override void Validate()
    {
        base.Validate();
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ComponentArgumentException("url", $"\"{Redaction.Url(Url)}\" is not an absolute http or https URL");
        }
        if (RemoteTimeout <= TimeSpan.Zero)
        {
            throw new ComponentArgumentException("remote_timeout", "must be greater than zero");
        }
        QueueConfig.Validate();
        RelabelRuleArguments.ToRules(WriteRelabelConfigs);
    }
}
