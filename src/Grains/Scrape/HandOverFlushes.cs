using System.Collections.Concurrent;
using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// Targets this silo stopped because another silo takes them over, until their last samples here have been sent. The
/// hand-off message (a release answer or a push) waits for that, within a bound: the new owner cannot scrape a target
/// before it hears, so its first sample of a series never reaches the receiver before this silo's last one, which
/// Prometheus would then refuse as out of order — with every other sample of its request. A target handed over from
/// a slot further ahead (short intervals: the planner names a slot the receiver can still start within the hand-off
/// timeout) is stopped here only after its last slot: the message goes first, and this flush follows that last scrape,
/// an interval before the receiver's first.
/// </summary>
/// <param name="handOffTimeout">How long a peer waits for a hand-off call: the wait stays well inside it.</param>
/// <param name="stopping">Cancelled when the silo stops: no flush outlives it.</param>
public sealed class HandOverFlushes(TimeProvider time, TimeSpan handOffTimeout, CancellationToken stopping)
{
    private readonly ConcurrentDictionary<TargetRef, Task> _sending = new();

    /// <summary>
    /// Starts sending the last samples of targets stopped here for another silo: once their last scrapes are appended,
    /// the sinks send them without waiting for a batch deadline (5 s by default, longer than an interval). Bounded by
    /// the hand-off timeout: a receiver that is down must not hold it forever.
    /// </summary>
    public void Begin(IReadOnlyList<ScheduledTarget> stopped) => Track([.. stopped.Select(s => s.Target)], FlushAfterLastScrapesAsync(stopped));

    /// <summary>Notes that <paramref name="sent"/> completes once the last samples of <paramref name="targets"/> are sent.</summary>
    public void Track(IReadOnlyList<TargetRef> targets, Task sent)
    {
        foreach (var target in targets)
        {
            _sending[target] = sent;
        }
        _ = sent.ContinueWith(done =>
        {
            foreach (var target in targets)
            {
                _sending.TryRemove(KeyValuePair.Create(target, done));
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// The longest a hand-off message waits: half the shortest interval of its targets (so the new owner still scrapes
    /// the slot it is given, which lies at most an interval ahead) and half the hand-off timeout (so the peer does not
    /// take it for no answer).
    /// </summary>
    public TimeSpan BoundFor(IEnumerable<TimeSpan> intervals) => intervals.Select(i => i / 2).Append(handOffTimeout / 2).Min();

    /// <summary>
    /// Waits until the last samples of <paramref name="targets"/> are sent (at once for targets not tracked), for at
    /// most <paramref name="bound"/>. False when the bound ran out first.
    /// </summary>
    public async Task<bool> WhenSentAsync(IEnumerable<TargetRef> targets, TimeSpan bound)
    {
        var waits = targets.Select(t => _sending.TryGetValue(t, out var sent) ? sent : null).OfType<Task>().Distinct().ToList();
        if (waits.Count == 0)
        {
            return true;
        }
        var all = Task.WhenAll(waits);
        await all.WaitAsync(bound, time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return all.IsCompleted;
    }

    private async Task FlushAfterLastScrapesAsync(IReadOnlyList<ScheduledTarget> stopped)
    {
        await Task.Yield(); // leave the caller's lock
        await Task.WhenAll(stopped.Select(s => s.InFlight)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        bound.CancelAfter(handOffTimeout);
        var sinks = stopped.Select(s => s.State.Job).OfType<ScrapeJob>().SelectMany(j => j.ForwardTo).Distinct();
        await Task.WhenAll(sinks.Select(sink => sink.FlushAsync(bound.Token))).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
