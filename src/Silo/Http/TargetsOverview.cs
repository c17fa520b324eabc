using AlloyOrleans.Grains.Http;
using AlloyOrleans.Grains.Pyroscope;
using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Silo.Http;

/// <summary>
/// The targets this silo scrapes, per scrape component (<c>prometheus.scrape</c> and <c>pyroscope.scrape</c>), with what their last scrape said — the
/// material of Prometheus' and Alloy's target pages, for this silo's share of the cluster.
/// </summary>
public sealed class TargetsOverview(ScrapeTargetRegistry registry, ScrapeScheduler scheduler)
{
    public IReadOnlyList<ComponentTargets> Get(string? componentId)
    {
        var byComponent = scheduler.Snapshot().ToLookup(s => s.Target.ComponentId, StringComparer.Ordinal);
        var components = new List<ComponentTargets>();
        foreach (var (id, entry) in registry.Jobs.OrderBy(j => j.Key, StringComparer.Ordinal))
        {
            if (componentId is not null && id != componentId)
            {
                continue;
            }
            var profiles = entry.Job.Executor is ProfileScraper;
            var targets = new List<TargetStatus>();
            foreach (var scheduled in byComponent[id])
            {
                if (!entry.Targets.TryGetValue(scheduled.Target.Key, out var target))
                {
                    continue; // removed from discovery a moment ago
                }
                var report = scheduled.LastReport;
                targets.Add(new TargetStatus(
                    Redaction.Url(target.Url),
                    target.Labels.ToDictionary(),
                    report is null ? "unknown" : report.Up ? "up" : "down",
                    report is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(scheduled.LastScrapeSlotMs),
                    report?.DurationSeconds,
                    report?.Error,
                    report?.SamplesScraped,
                    profiles ? target.DiscoveredLabels.Get(ProfileTargetLabels.ProfileName) : null,
                    scheduled.LastSkippedSlotMs is { } skipped && (report is null || skipped > scheduled.LastScrapeSlotMs)
                        ? DateTimeOffset.FromUnixTimeMilliseconds(skipped) : null));
            }
            targets.Sort((a, b) => string.CompareOrdinal(a.Url, b.Url));
            components.Add(new ComponentTargets(id, profiles ? "profiles" : "metrics", entry.Job.JobName, entry.Job.Interval.TotalSeconds, entry.Job.ClusteringEnabled,
                entry.Targets.Count, targets));
        }
        return components;
    }
}

/// <summary>
/// One component: what it scrapes (<c>metrics</c> or <c>profiles</c>), its job, interval, whether clustering shares its targets out, how many targets discovery gave it
/// (on every silo), and the ones this silo scrapes.
/// </summary>
public sealed record ComponentTargets(
    string ComponentId,
    string Kind,
    string JobName,
    double ScrapeIntervalSeconds,
    bool Clustered,
    int DiscoveredTargets,
    IReadOnlyList<TargetStatus> Targets);

/// <summary>
/// A target this silo scrapes; the last-scrape fields are null until its first scrape. A profile target is one
/// profile type of a discovered target (<see cref="ProfileType"/>); its count is the samples of its last profile.
/// <see cref="SkippedSlot"/>: a slot after the last scrape that was not scraped at all (picked up an interval or more
/// late, the process stalled), which is not a failed scrape: <see cref="Health"/> stays what the last scrape said.
/// </summary>
public sealed record TargetStatus(
    string Url,
    IReadOnlyDictionary<string, string> Labels,
    string Health,
    DateTimeOffset? LastScrape,
    double? LastScrapeDurationSeconds,
    string? LastError,
    int? SeriesCount,
    string? ProfileType,
    DateTimeOffset? SkippedSlot = null);
