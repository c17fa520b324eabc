using System.Net.Http.Headers;
using System.Text;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Http;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// The settings of one <c>prometheus.scrape</c> component, as Prometheus' scrape_config defines them.
/// Built by the component glue from the Alloy configuration; read by the scheduler and the scrape workers.
/// </summary>
public sealed record ScrapeJob
{
    /// <summary>The component id (<c>prometheus.scrape.NAME</c>); jobs are keyed by it.</summary>
    public required string ComponentId { get; init; }

    /// <summary>The <c>job</c> label (Alloy's default is the component id).</summary>
    public required string JobName { get; init; }

    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public string MetricsPath { get; init; } = "/metrics";

    public string Scheme { get; init; } = "http";

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Params { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    public bool HonorLabels { get; init; }

    public bool HonorTimestamps { get; init; } = true;

    /// <summary>More samples than this after metric relabelling fails the scrape; 0 means no limit.</summary>
    public int SampleLimit { get; init; }

    /// <summary>A body this large (uncompressed) fails the scrape; 0 means no limit.</summary>
    public long BodySizeLimitBytes { get; init; }

    public bool EnableCompression { get; init; } = true;

    /// <summary>label_limit, label_name_length_limit, label_value_length_limit.</summary>
    public LabelLimits LabelLimits { get; init; }

    /// <summary>Authentication, TLS, proxy and HTTP version of the scrape requests.</summary>
    public HttpClientSettings Http { get; init; } = HttpClientSettings.Default;

    /// <summary>When false every silo scrapes every target (Alloy's default for a component without clustering).</summary>
    public bool ClusteringEnabled { get; init; }

    /// <summary>How clustered targets are spread: by count (the plain ring, as Alloy) or by samples.</summary>
    public ScrapeBalance Balance { get; init; }

    /// <summary>metric_relabel_configs: returns the relabelled series or null to drop it.</summary>
    public Func<LabelSet, LabelSet?>? MetricRelabel { get; init; }

    /// <summary>What a slot's scrape does; null means the metrics scraper (<see cref="TargetScraper"/>).</summary>
    public IScrapeExecutor? Executor { get; init; }

    /// <summary>forward_to: every sample of every scrape goes to each of these.</summary>
    public IReadOnlyList<ISampleSink> ForwardTo { get; init; } = [];
}
