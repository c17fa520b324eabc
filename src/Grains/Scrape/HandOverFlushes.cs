using System.Collections.Concurrent;
using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// Targets this silo stopped because another silo takes them over, until their last samples here have been sent. The
/// hand-off message (a release answer or a push) waits for that, within a bound: the new owner cannot scrape a target
/// before it hears, so its first sample of a series never reaches the receiver before this silo's last one, which
/// Prometheus would then refuse as out of order — with every other sample of its request.
/// </summary>
public sealed class HandOverFlushes(TimeProvider time)
{
    private readonly ConcurrentDictionary<TargetRef, Task> _sending = new();

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
}
