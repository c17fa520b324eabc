using AlloyOrleans.Grains.Discovery.Kubernetes;
using AlloyOrleans.Grains.Discovery.Relabel;

namespace AlloyOrleans.Grains.Components.Prometheus.Operator;

/// <summary>
/// The scrape configuration one monitor endpoint stands for, as Alloy's config generator builds it: a job
/// (<c>serviceMonitor/NS/NAME/INDEX</c>), the Kubernetes discovery behind it, and the relabelling that selects and
/// names its targets.
/// </summary>
public sealed record MonitorScrapeConfig
{
    public required string JobName { get; init; }

    public required KubernetesRole Role { get; init; }

    /// <summary>Namespaces to discover in; empty means all (<c>namespaceSelector.any</c>).</summary>
    public required IReadOnlyList<string> Namespaces { get; init; }

    public required IReadOnlyList<RelabelRule> Relabelings { get; init; }

    public IReadOnlyList<RelabelRule> MetricRelabelings { get; init; } = [];

    public required TimeSpan Interval { get; init; }

    public required TimeSpan Timeout { get; init; }

    public string MetricsPath { get; init; } = "/metrics";

    public string Scheme { get; init; } = "http";

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Params { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public bool HonorLabels { get; init; }

    public bool HonorTimestamps { get; init; } = true;

    public int SampleLimit { get; init; }
}
