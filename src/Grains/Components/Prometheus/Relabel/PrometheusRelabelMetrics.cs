using System.Diagnostics.Metrics;
using AlloyOrleans.Grains.Telemetry;

namespace AlloyOrleans.Grains.Components.Prometheus.Relabel;

/// <summary>Alloy's prometheus.relabel metrics, tagged with the component id.</summary>
internal static class PrometheusRelabelMetrics
{
    public static readonly Counter<long> Processed = AlloyMeter.Instance.CreateCounter<long>(
        "prometheus_relabel_metrics_processed", description: "Total number of metrics processed");

    public static readonly Counter<long> Written = AlloyMeter.Instance.CreateCounter<long>(
        "prometheus_relabel_metrics_written", description: "Total number of metrics written");

    public static readonly Counter<long> CacheHits = AlloyMeter.Instance.CreateCounter<long>(
        "prometheus_relabel_cache_hits", description: "Total number of cache hits");

    public static readonly Counter<long> CacheMisses = AlloyMeter.Instance.CreateCounter<long>(
        "prometheus_relabel_cache_misses", description: "Total number of cache misses");
}
