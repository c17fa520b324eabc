namespace AlloyOrleans.Grains.Scrape;

/// <summary>Timing of the hand-off protocol between silos.</summary>
public sealed class ScrapeSchedulerOptions
{
    /// <summary>How long a release or hand-off call to another silo may take before this silo proceeds alone.</summary>
    public TimeSpan HandOffTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a silo keeps scraping a target that the ring gave to another silo, waiting for that silo to ask for it.
    /// The new owner asks within milliseconds; this bound only matters when it cannot.
    /// </summary>
    public TimeSpan ReleaseGrace { get; set; } = TimeSpan.FromSeconds(15);
}
