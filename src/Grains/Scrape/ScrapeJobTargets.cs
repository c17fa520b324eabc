namespace AlloyOrleans.Grains.Scrape;

/// <summary>One job and its targets by ring key.</summary>
public sealed record ScrapeJobTargets(ScrapeJob Job, IReadOnlyDictionary<ulong, ScrapeTarget> Targets);
