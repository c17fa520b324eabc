namespace AlloyOrleans.Grains.Scrape;

/// <summary>A scrape that failed for a reason Prometheus reports as the target's last error.</summary>
public sealed class ScrapeException(string message) : Exception(message);
