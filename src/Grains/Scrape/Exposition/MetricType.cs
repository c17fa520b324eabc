namespace AlloyOrleans.Grains.Scrape.Exposition;

/// <summary>A metric family's type as declared by <c># TYPE</c>.</summary>
public enum MetricType
{
    /// <summary><c>untyped</c> in the Prometheus text format, <c>unknown</c> in OpenMetrics.</summary>
    Unknown,
    Counter,
    Gauge,
    Histogram,
    Summary,

    /// <summary>OpenMetrics only.</summary>
    Info,

    /// <summary>OpenMetrics only.</summary>
    StateSet,

    /// <summary>OpenMetrics only.</summary>
    GaugeHistogram,
}
