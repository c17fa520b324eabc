using System.Net.Http.Headers;
using System.Text;
using AlloyOrleans.Grains.Abstractions;

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

    public ScrapeHttpClientSettings Http { get; init; } = new();

    /// <summary>When false every silo scrapes every target (Alloy's default for a component without clustering).</summary>
    public bool ClusteringEnabled { get; init; }

    /// <summary>metric_relabel_configs: returns the relabelled series or null to drop it.</summary>
    public Func<LabelSet, LabelSet?>? MetricRelabel { get; init; }

    /// <summary>What a slot's scrape does; null means the metrics scraper (<see cref="TargetScraper"/>).</summary>
    public IScrapeExecutor? Executor { get; init; }

    /// <summary>forward_to: every sample of every scrape goes to each of these.</summary>
    public IReadOnlyList<ISampleSink> ForwardTo { get; init; } = [];
}

/// <summary>Authentication and TLS for the scrape requests of one job.</summary>
public sealed record ScrapeHttpClientSettings
{
    public string? BearerToken { get; init; }

    public string? BasicAuthUsername { get; init; }

    public string? BasicAuthPassword { get; init; }

    /// <summary>The <c>authorization</c> block: type (default Bearer) and credentials.</summary>
    public string? AuthorizationType { get; init; }

    public string? AuthorizationCredentials { get; init; }

    public string? TlsCaFile { get; init; }

    public string? TlsCertFile { get; init; }

    public string? TlsKeyFile { get; init; }

    public string? TlsServerName { get; init; }

    public bool TlsInsecureSkipVerify { get; init; }

    /// <summary>The Authorization header of a scrape request: the authorization block, a bearer token or basic auth.</summary>
    public AuthenticationHeaderValue? AuthorizationHeader()
    {
        if (AuthorizationCredentials is { } credentials)
        {
            return new AuthenticationHeaderValue(AuthorizationType ?? "Bearer", credentials);
        }
        if (BearerToken is { } token)
        {
            return new AuthenticationHeaderValue("Bearer", token);
        }
        return BasicAuthUsername is { } user
            ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + BasicAuthPassword)))
            : null;
    }
}
