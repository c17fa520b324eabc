namespace AlloyOrleans.Grains.Components.Prometheus.Scrape;

/// <summary><c>clustering { enabled = true }</c>: distribute targets over the cluster instead of scraping all of them.</summary>
public sealed class ClusteringArguments
{
    [Alloy("enabled", Required = true)]
    public bool Enabled { get; init; }
}
