using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components.Common.Http;
using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Grains.Components.Prometheus.Scrape;

/// <summary>The arguments of <c>prometheus.scrape</c>, with Alloy's names and defaults.</summary>
public sealed class ScrapeArguments : HttpClientArguments
{
    [Alloy("targets", Required = true)]
    public IReadOnlyList<LabelSet> Targets { get; init; } = [];

    [Alloy("forward_to", Required = true)]
    public IReadOnlyList<ISampleSink> ForwardTo { get; init; } = [];

    /// <summary>The <c>job</c> label; empty means the component id, as in Alloy.</summary>
    [Alloy("job_name")]
    public string JobName { get; init; } = "";

    [Alloy("params")]
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Params { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    [Alloy("scrape_interval")]
    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromMinutes(1);

    [Alloy("scrape_timeout")]
    public TimeSpan ScrapeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    [Alloy("metrics_path")]
    public string MetricsPath { get; init; } = "/metrics";

    [Alloy("scheme")]
    public string Scheme { get; init; } = "http";

    [Alloy("honor_labels")]
    public bool HonorLabels { get; init; }

    [Alloy("honor_timestamps")]
    public bool HonorTimestamps { get; init; } = true;

    [Alloy("sample_limit")]
    public int SampleLimit { get; init; }

    /// <summary>
    /// What <c>body_size_limit</c> is when unset and the component is clustered: a body can otherwise grow the buffer
    /// to gigabytes (a gzip bomb too), OOM-kill the silo and, once its targets move, the next one. vmagent's default
    /// is 16 MiB; 64 MiB leaves room for the largest common exporters (kube-state-metrics on big clusters).
    /// </summary>
    public const long ClusteredDefaultBodySizeLimitBytes = 64L << 20;

    /// <summary>
    /// A byte count or a size such as <c>10MiB</c> / <c>10MB</c> (both base 2, as Prometheus reads them); 0 means no
    /// limit. Unset, it is <see cref="ClusteredDefaultBodySizeLimitBytes"/> with clustering on and no limit otherwise.
    /// </summary>
    [Alloy("body_size_limit")]
    public string BodySizeLimit { get; init; } = "";

    [Alloy("enable_compression")]
    public bool EnableCompression { get; init; } = true;

    // Alloy arguments accepted at their default value only: the scrape core behaves as these defaults say, and a
    // configuration that asks for anything else is rejected rather than silently run differently.

    [Alloy("extra_metrics")]
    public bool ExtraMetrics { get; init; }

    [Alloy("scrape_classic_histograms")]
    public bool ScrapeClassicHistograms { get; init; }

    [Alloy("track_timestamps_staleness")]
    public bool TrackTimestampsStaleness { get; init; }

    [Alloy("enable_protobuf_negotiation")]
    public bool EnableProtobufNegotiation { get; init; }

    [Alloy("target_limit")]
    public int TargetLimit { get; init; }

    [Alloy("label_limit")]
    public int LabelLimit { get; init; }

    [Alloy("label_name_length_limit")]
    public int LabelNameLengthLimit { get; init; }

    [Alloy("label_value_length_limit")]
    public int LabelValueLengthLimit { get; init; }

    [AlloyBlock("clustering")]
    public ClusteringArguments? Clustering { get; init; }

    /// <summary>The body size limit in bytes (validated), with the clustered default when unset.</summary>
    public long BodySizeLimitBytes =>
        BodySizeLimit.Length > 0 ? ByteSize.Parse(BodySizeLimit)
        : Clustering is { Enabled: true } ? ClusteredDefaultBodySizeLimitBytes
        : 0;

    /// <summary>The label limits (validated).</summary>
    public LabelLimits LabelLimits => new(LabelLimit, LabelNameLengthLimit, LabelValueLengthLimit);

    public override void Validate()
    {
        base.Validate();
        if (ScrapeInterval <= TimeSpan.Zero)
        {
            throw new ComponentArgumentException("scrape_interval", "must be greater than 0");
        }
        if (ScrapeTimeout <= TimeSpan.Zero)
        {
            throw new ComponentArgumentException("scrape_timeout", "must be greater than 0");
        }
        if (ScrapeTimeout > ScrapeInterval)
        {
            throw new ComponentArgumentException("scrape_timeout", $"scrape_timeout ({ScrapeTimeout.TotalSeconds}s) greater than scrape_interval ({ScrapeInterval.TotalSeconds}s)");
        }
        if (Scheme is not "http" and not "https")
        {
            throw new ComponentArgumentException("scheme", $"must be \"http\" or \"https\", got \"{Scheme}\"");
        }
        if (!MetricsPath.StartsWith('/'))
        {
            throw new ComponentArgumentException("metrics_path", "must start with /");
        }
        foreach (var (name, limit) in new[] { ("sample_limit", SampleLimit), ("label_limit", LabelLimit),
                     ("label_name_length_limit", LabelNameLengthLimit), ("label_value_length_limit", LabelValueLengthLimit) })
        {
            if (limit < 0)
            {
                throw new ComponentArgumentException(name, "must not be negative");
            }
        }
        if (BodySizeLimit.Length > 0 && !ByteSize.TryParse(BodySizeLimit, out _))
        {
            throw new ComponentArgumentException("body_size_limit", $"invalid size \"{BodySizeLimit}\" (use bytes or a unit: B, KB, KiB, MB, MiB, GB, GiB, TB, TiB)");
        }

        var unsupported = new (string Name, bool AtDefault)[]
        {
            ("extra_metrics", !ExtraMetrics),
            ("scrape_classic_histograms", !ScrapeClassicHistograms),
            ("track_timestamps_staleness", !TrackTimestampsStaleness),
            ("enable_protobuf_negotiation", !EnableProtobufNegotiation),
            ("target_limit", TargetLimit == 0),
        }.FirstOrDefault(a => !a.AtDefault);
        if (unsupported.Name is not null)
        {
            throw new ComponentArgumentException(unsupported.Name, "only the default value is supported by alloy-orleans");
        }
    }
}
