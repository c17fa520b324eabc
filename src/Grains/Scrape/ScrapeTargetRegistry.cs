using System.Collections.Immutable;
using AlloyOrleans.Grains.Abstractions;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// Every scrape job of this silo with all its discovered targets (every silo holds the same list; the scheduler
/// picks the ones the ring gives to this silo). Targets with equal keys are one target.
/// </summary>
public sealed partial class ScrapeTargetRegistry(ILogger<ScrapeTargetRegistry> logger) : IScrapeJobRegistry
{
    private ImmutableDictionary<string, ScrapeJobTargets> _jobs = ImmutableDictionary.Create<string, ScrapeJobTargets>(StringComparer.Ordinal);

    /// <summary>Raised after any job or target list changed.</summary>
    public event Action? Changed;

    public IReadOnlyDictionary<string, ScrapeJobTargets> Jobs => Volatile.Read(ref _jobs);

    public void Apply(ScrapeJob job, IReadOnlyList<LabelSet> targets)
    {
        var byKey = new Dictionary<ulong, ScrapeTarget>(targets.Count);
        foreach (var discovered in targets)
        {
            var target = ScrapeTarget.Create(job, discovered, out var error);
            if (target is null)
            {
                LogInvalidTarget(job.ComponentId, discovered.ToString(), error!);
                continue;
            }
            byKey.TryAdd(target.Key, target);
        }
        ImmutableInterlocked.Update(ref _jobs, static (jobs, entry) => jobs.SetItem(entry.Job.ComponentId, entry), new ScrapeJobTargets(job, byKey));
        LogApplied(job.ComponentId, byKey.Count);
        Changed?.Invoke();
    }

    public void Remove(string componentId)
    {
        if (ImmutableInterlocked.TryRemove(ref _jobs, componentId, out _))
        {
            Changed?.Invoke();
        }
    }

    public bool TryGet(TargetRef target, out ScrapeJob job, out ScrapeTarget scrapeTarget)
    {
        if (Jobs.TryGetValue(target.ComponentId, out var entry) && entry.Targets.TryGetValue(target.Key, out scrapeTarget!))
        {
            job = entry.Job;
            return true;
        }
        job = null!;
        scrapeTarget = null!;
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ComponentId}: dropping target {Labels}: {Error}")]
    private partial void LogInvalidTarget(string componentId, string labels, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{ComponentId}: {Targets} targets")]
    private partial void LogApplied(string componentId, int targets);
}
