using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// Where <c>prometheus.scrape</c> components hand their job settings and discovered targets to the clustered scrape
/// core. The core keeps only the targets the local ring assigns to this silo and schedules them on their slots.
/// </summary>
public interface IScrapeJobRegistry
{
    /// <summary>Sets (or replaces) a job and its full target list. Targets with equal ring keys are one target.</summary>
    void Apply(ScrapeJob job, IReadOnlyList<LabelSet> targets);

    /// <summary>Removes a job: its targets get staleness markers, as targets that disappeared.</summary>
    void Remove(string componentId);
}
