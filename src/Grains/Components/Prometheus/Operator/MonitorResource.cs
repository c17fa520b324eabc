using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace AlloyOrleans.Grains.Components.Prometheus.Operator;

/// <summary>
/// A Prometheus Operator ServiceMonitor or PodMonitor (<c>monitoring.coreos.com/v1</c>), with the fields the
/// scrape configuration is generated from. Unknown fields are ignored, as the operator's CRDs grow.
/// </summary>
public sealed class MonitorResource : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "monitoring.coreos.com/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public MonitorSpec Spec { get; set; } = new();
}

public sealed class MonitorResourceList : IMetadata<V1ListMeta>
{
    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<MonitorResource> Items { get; set; } = [];
}

public sealed class MonitorSpec
{
    [JsonPropertyName("jobLabel")]
    public string? JobLabel { get; set; }

    [JsonPropertyName("targetLabels")]
    public IList<string>? TargetLabels { get; set; }

    [JsonPropertyName("podTargetLabels")]
    public IList<string>? PodTargetLabels { get; set; }

    /// <summary>A ServiceMonitor's endpoints.</summary>
    [JsonPropertyName("endpoints")]
    public IList<MonitorEndpoint>? Endpoints { get; set; }

    /// <summary>A PodMonitor's endpoints.</summary>
    [JsonPropertyName("podMetricsEndpoints")]
    public IList<MonitorEndpoint>? PodMetricsEndpoints { get; set; }

    [JsonPropertyName("selector")]
    public V1LabelSelector Selector { get; set; } = new();

    [JsonPropertyName("namespaceSelector")]
    public NamespaceSelector? NamespaceSelector { get; set; }

    [JsonPropertyName("sampleLimit")]
    public int? SampleLimit { get; set; }
}

public sealed class NamespaceSelector
{
    [JsonPropertyName("any")]
    public bool Any { get; set; }

    [JsonPropertyName("matchNames")]
    public IList<string>? MatchNames { get; set; }
}

/// <summary>One endpoint of a monitor: which port to scrape and how (Prometheus Operator's Endpoint / PodMetricsEndpoint).</summary>
public sealed class MonitorEndpoint
{
    [JsonPropertyName("port")]
    public string? Port { get; set; }

    /// <summary>A PodMonitor endpoint's port number.</summary>
    [JsonPropertyName("portNumber")]
    public int? PortNumber { get; set; }

    /// <summary>Deprecated in the CRDs but still honoured: a port name (string) or number.</summary>
    [JsonPropertyName("targetPort")]
    public JsonElement? TargetPort { get; set; }

    [JsonPropertyName("path")]
    public string? Path { get; set; }

    [JsonPropertyName("scheme")]
    public string? Scheme { get; set; }

    [JsonPropertyName("params")]
    public IDictionary<string, IList<string>>? Params { get; set; }

    [JsonPropertyName("interval")]
    public string? Interval { get; set; }

    [JsonPropertyName("scrapeTimeout")]
    public string? ScrapeTimeout { get; set; }

    [JsonPropertyName("honorLabels")]
    public bool HonorLabels { get; set; }

    [JsonPropertyName("honorTimestamps")]
    public bool? HonorTimestamps { get; set; }

    [JsonPropertyName("filterRunning")]
    public bool? FilterRunning { get; set; }

    [JsonPropertyName("bearerTokenFile")]
    public string? BearerTokenFile { get; set; }

    [JsonPropertyName("relabelings")]
    public IList<MonitorRelabel>? Relabelings { get; set; }

    [JsonPropertyName("metricRelabelings")]
    public IList<MonitorRelabel>? MetricRelabelings { get; set; }

    /// <summary>targetPort as the operator prints it (<c>IntOrString.String()</c>), or null when unset.</summary>
    public string? TargetPortText => TargetPort switch
    {
        { ValueKind: JsonValueKind.String } s when s.GetString() is { Length: > 0 } text => text,
        { ValueKind: JsonValueKind.Number } n when n.GetInt32() != 0 => n.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>True when targetPort names a port rather than numbering it.</summary>
    public bool TargetPortIsName => TargetPort is { ValueKind: JsonValueKind.String };
}

/// <summary>A RelabelConfig of the CRDs (camelCase names; Prometheus' defaults where unset).</summary>
public sealed class MonitorRelabel
{
    [JsonPropertyName("sourceLabels")]
    public IList<string>? SourceLabels { get; set; }

    [JsonPropertyName("separator")]
    public string? Separator { get; set; }

    [JsonPropertyName("targetLabel")]
    public string? TargetLabel { get; set; }

    [JsonPropertyName("regex")]
    public string? Regex { get; set; }

    [JsonPropertyName("modulus")]
    public ulong? Modulus { get; set; }

    [JsonPropertyName("replacement")]
    public string? Replacement { get; set; }

    [JsonPropertyName("action")]
    public string? Action { get; set; }
}
