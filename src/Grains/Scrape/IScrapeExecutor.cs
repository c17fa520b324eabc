namespace AlloyOrleans.Grains.Scrape;
using AlloyOrleans.Grains.Abstractions;


/// <summary>
/// What a kind of scrape job does in one slot. The clustered core (ring, slots, hand-off, stateless workers) is the
/// same for every kind; only this differs: metrics (<see cref="TargetScraper"/>, the default) or profiles.
/// </summary>
public interface IScrapeExecutor
{
    /// <summary>Scrapes one target for one slot; <paramref name="slotMs"/> is the timestamp its samples carry.</summary>
    Task<ScrapeReport> ScrapeAsync(ScrapeJob job, ScrapeTarget target, TargetScrapeState state, long slotMs, CancellationToken cancellationToken);

    /// <summary>Ends whatever a target that disappeared from discovery left open (for metrics: staleness markers).</summary>
    Task EndSeriesAsync(TargetScrapeState state, long timestampMs, CancellationToken cancellationToken);
}
