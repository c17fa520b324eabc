namespace AlloyOrleans.Grains.Scrape.Exposition;

/// <summary>Chooses the parser from a scrape response's Content-Type, as Prometheus does.</summary>
public static class ExpositionContentType
{
    private const string OpenMetricsMediaType = "application/openmetrics-text";

    /// <summary>
    /// <c>application/openmetrics-text</c> (any parameters, any case) selects OpenMetrics; anything else, or no
    /// header at all, selects the Prometheus text format.
    /// </summary>
    public static ExpositionFormat Detect(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return ExpositionFormat.PrometheusText;
        }
        var semicolon = contentType.IndexOf(';');
        var mediaType = (semicolon >= 0 ? contentType.AsSpan(0, semicolon) : contentType.AsSpan()).Trim();
        return mediaType.Equals(OpenMetricsMediaType, StringComparison.OrdinalIgnoreCase)
            ? ExpositionFormat.OpenMetrics
            : ExpositionFormat.PrometheusText;
    }
}
