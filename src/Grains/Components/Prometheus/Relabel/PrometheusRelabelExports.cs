using AlloyOrleans.Grains.Discovery.Relabel;
using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Grains.Components.Prometheus.Relabel;

/// <summary>The exports of <c>prometheus.relabel</c>: where to send samples, and the compiled rules.</summary>
public sealed class PrometheusRelabelExports
{
    [Alloy("receiver")]
    public required ISampleSink Receiver { get; init; }

    [Alloy("rules")]
    public IReadOnlyList<RelabelRule> Rules { get; init; } = [];
}
