using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components.Common.Http;
using AlloyOrleans.Grains.Components.Prometheus.Scrape;
using AlloyOrleans.Grains.Pyroscope;

namespace AlloyOrleans.Grains.Components.Pyroscope.Scrape;

/// <summary>The arguments of <c>pyroscope.scrape</c>, with Alloy's names, defaults and checks.</summary>
public sealed class PyroscopeScrapeArguments : HttpClientArguments
{
    /// <summary>Alloy's default <c>delta_profiling_duration</c>: the default interval less one second.</summary>
    public static readonly TimeSpan DefaultDeltaProfilingDuration = TimeSpan.FromSeconds(14);

    [Alloy("targets", Required = true)]
    public IReadOnlyList<LabelSet> Targets { get; init; } = [];

    [Alloy("forward_to", Required = true)]
    public IReadOnlyList<IProfileSink> ForwardTo { get; init; } = [];

    /// <summary>The <c>job</c> label; empty means the component id, as in Alloy.</summary>
    [Alloy("job_name")]
    public string JobName { get; init; } = "";

    [Alloy("params")]
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Params { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    [Alloy("scrape_interval")]
    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromSeconds(15);

    [Alloy("scrape_timeout")]
    public TimeSpan ScrapeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    [Alloy("scheme")]
    public string Scheme { get; init; } = "http";

    [Alloy("delta_profiling_duration")]
    public TimeSpan DeltaProfilingDuration { get; init; } = DefaultDeltaProfilingDuration;

    [AlloyBlock("profiling_config")]
    public ProfilingConfigArguments ProfilingConfig { get; init; } = new();

    [AlloyBlock("clustering")]
    public ClusteringArguments? Clustering { get; init; }

    /// <summary>
    /// The <c>seconds</c> a delta profile's request asks for, as Alloy computes it: the interval less one second,
    /// unless <c>delta_profiling_duration</c> was changed from its default.
    /// </summary>
    public long DeltaSeconds => DeltaProfilingDuration != DefaultDeltaProfilingDuration
        ? (long)DeltaProfilingDuration.TotalSeconds
        : (long)ScrapeInterval.TotalSeconds - 1;

    public override void Validate()
    {
        if (ScrapeTimeout <= TimeSpan.Zero)
        {
            throw new ComponentArgumentException("scrape_timeout", "scrape_timeout must be greater than 0");
        }
        if (ScrapeInterval <= TimeSpan.Zero)
        {
            throw new ComponentArgumentException("scrape_interval", "scrape_interval must be greater than 0");
        }
        if (Scheme is not "http" and not "https")
        {
            throw new ComponentArgumentException("scheme", $"must be \"http\" or \"https\", got \"{Scheme}\"");
        }
        foreach (var profile in ProfilingConfig.Enabled().Where(p => p.Delta))
        {
            if (ScrapeInterval < TimeSpan.FromSeconds(2))
            {
                throw new ComponentArgumentException("scrape_interval", $"scrape_interval must be at least 2 seconds when using delta profiling ({profile.Name})");
            }
            if (DeltaProfilingDuration <= TimeSpan.FromSeconds(1))
            {
                throw new ComponentArgumentException("delta_profiling_duration", "delta_profiling_duration must be larger than 1 second when using delta profiling");
            }
            if (DeltaProfilingDuration > ScrapeInterval - TimeSpan.FromSeconds(1))
            {
                throw new ComponentArgumentException("delta_profiling_duration", "delta_profiling_duration must be at least 1 second smaller than scrape_interval when using delta profiling");
            }
        }
        foreach (var custom in ProfilingConfig.Custom)
        {
            if (custom.Name.Length == 0)
            {
                throw new ComponentArgumentException("profiling_config", "a profile.custom block needs a non-empty label");
            }
        }
        base.Validate();
    }
}
