namespace AlloyOrleans.Grains.Scrape;

/// <summary>How a clustered job's targets are spread over the silos (<c>clustering { balance = ... }</c>, our extension).</summary>
public enum ScrapeBalance
{
    /// <summary>Alloy's plain ring: each silo gets about the same number of targets.</summary>
    Targets,

    /// <summary>Load-aware placement: each silo gets about the same number of samples (see <c>Grains/Placement</c>).</summary>
    Samples,
}
