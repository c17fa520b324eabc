namespace AlloyOrleans.Grains.Scrape.Exposition;

/// <summary>The text exposition formats Prometheus 2.42 scrapes.</summary>
public enum ExpositionFormat
{
    /// <summary>Prometheus text format 0.0.4 (<c>text/plain; version=0.0.4</c>); also the fallback for any other content type.</summary>
    PrometheusText,

    /// <summary>OpenMetrics 1.0 text (<c>application/openmetrics-text</c>).</summary>
    OpenMetrics,
}
