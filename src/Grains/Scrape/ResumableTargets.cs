using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// Targets this silo stopped for another silo, kept for a few intervals in case the hand-off falls through (the new
/// owner refuses, cannot be reached yet, or answers that it is not the owner) and this silo starts the target again.
/// A restart at the very next slot carries on with the target's scrape state: nobody can have scraped a slot in
/// between, so a profile's delta baseline and the series cache are still right. Starting afresh there would lose a
/// delta profile's whole change since the last scrape (the restart's first scrape only sets a new baseline).
/// </summary>
/// <remarks>Not thread-safe: the scheduler calls it under its lock.</remarks>
/// <param name="handOffTimeout">How long a hand-off may take: a target is kept at least twice that long.</param>
public sealed class ResumableTargets(TimeSpan handOffTimeout)
{
    private readonly Dictionary<TargetRef, (ScheduledTarget Scheduled, long IntervalMs)> _stopped = [];

    /// <summary>Keeps a target stopped because another silo takes it over.</summary>
    public void Keep(ScheduledTarget scheduled, long intervalMs) => _stopped[scheduled.Target] = (scheduled, intervalMs);

    /// <summary>
    /// The target as it was stopped here, when it starts again at <paramref name="firstSlotMs"/> right after the last
    /// slot it was dispatched here (or before: a slot already dispatched is never started twice); otherwise a new one,
    /// which still waits for the stopped one's scrape in flight: a later slot's samples written before an earlier
    /// slot's would make Prometheus refuse the earlier ones as out of order, with the rest of their request.
    /// </summary>
    public ScheduledTarget Resume(TargetRef target, long firstSlotMs)
    {
        if (!_stopped.Remove(target, out var kept))
        {
            return new ScheduledTarget(target);
        }
        if (kept.Scheduled.DispatchedSlotMs is { } last && firstSlotMs <= last + kept.IntervalMs)
        {
            return kept.Scheduled;
        }
        return new ScheduledTarget(target) { InFlight = kept.Scheduled.InFlight };
    }

    /// <summary>
    /// Drops targets that will not resume: a hand-off that fell through restarts its targets once its answer (or its
    /// timeout) is in, and the dispatcher starts no slot more than an interval late. Only memory depends on this:
    /// whether a restart may carry on is decided by its first slot.
    /// </summary>
    public void Expire(long nowMs)
    {
        var keepMs = (long)(2 * handOffTimeout.TotalMilliseconds);
        foreach (var (target, (scheduled, intervalMs)) in _stopped)
        {
            if (scheduled.DispatchedSlotMs is not { } last || last + Math.Max(3 * intervalMs, keepMs) < nowMs)
            {
                _stopped.Remove(target);
            }
        }
    }
}
