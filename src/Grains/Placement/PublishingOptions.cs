namespace AlloyOrleans.Grains.Placement;

/// <summary>How the weights table's owner turns measurements into published tables (rate limit and hysteresis).</summary>
public sealed class PublishingOptions
{
    /// <summary>The weight of a new measurement in the smoothed value (an exponentially weighted mean).</summary>
    public double Smoothing { get; set; } = 0.3;

    /// <summary>At most one new table per this interval: every new table may move targets.</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A new table must lower the peak node's load by at least this fraction (per-mille) to be published.</summary>
    public int ImprovementMilli { get; set; } = 50;

    /// <summary>A target nobody reported for this long has disappeared and leaves the table.</summary>
    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromMinutes(10);

    public PlacementOptions Placement { get; set; } = PlacementOptions.Default;
}
