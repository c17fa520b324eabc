using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Grains.Ownership;

/// <summary>
/// The targets this silo holds and where each is on its slot grid (<c>t ≡ key mod interval</c>). Pure: the caller
/// passes the time and runs what <see cref="TakeDue"/> returns. A slot is either started or skipped, never both, and
/// a target stopped here resumes elsewhere at <see cref="Stop"/>'s answer: the first slot not started. A target started
/// here again never repeats a slot this silo already started, whatever slot the hand-off chain names.
/// </summary>
public sealed class SlotDispatcher
{
    private readonly Dictionary<TargetRef, Held> _held = [];
    private readonly PriorityQueue<(TargetRef Target, long SlotMs), long> _due = new();
    private readonly Dictionary<TargetRef, Held> _stoppedBefore = [];
    private long _nextPruneMs;

    public int Count => _held.Count;

    public IEnumerable<TargetRef> HeldTargets => _held.Keys;

    /// <summary>Slots passed over because the loop ran a whole interval late, or while fenced.</summary>
    public long SkippedSlots { get; private set; }

    public bool IsHeld(TargetRef target) => _held.ContainsKey(target);

    public long? NextSlot(TargetRef target) => _held.TryGetValue(target, out var held) ? held.NextSlotMs : null;

    public long? IntervalOf(TargetRef target) => _held.TryGetValue(target, out var held) ? held.IntervalMs : null;

    /// <summary>
    /// Holds a target from <paramref name="firstSlotMs"/> on (aligned to the grid at or after it), but not from a slot
    /// this silo started before it last stopped the target: a chain that still names the slot a peer handed to this
    /// silo (which scraped on from it, then stopped while its view was not ready) must not get that slot twice.
    /// </summary>
    public void Start(TargetRef target, long intervalMs, long firstSlotMs)
    {
        if (_stoppedBefore.Remove(target, out var stopped))
        {
            firstSlotMs = Math.Max(firstSlotMs, stopped.NextSlotMs);
        }
        var first = AtOrAfter(target.Key, intervalMs, firstSlotMs);
        _held[target] = new Held(intervalMs, first);
        _due.Enqueue((target, first), first);
    }

    /// <summary>Stops holding a target; returns the first slot it did not start, or null if it was not held.</summary>
    public long? Stop(TargetRef target)
    {
        if (!_held.Remove(target, out var held))
        {
            return null;
        }
        _stoppedBefore[target] = held;
        return held.NextSlotMs;
    }

    /// <summary>
    /// Moves a held target onto the grid of a new interval: its next slot becomes the first slot of the new grid after
    /// the last slot it started, and not before now.
    /// </summary>
    public void ChangeInterval(TargetRef target, long intervalMs, long nowMs)
    {
        if (!_held.TryGetValue(target, out var held) || held.IntervalMs == intervalMs)
        {
            return;
        }
        var lastStarted = held.NextSlotMs - held.IntervalMs;
        var next = AtOrAfter(target.Key, intervalMs, Math.Max(nowMs, lastStarted + 1));
        _held[target] = new Held(intervalMs, next);
        _due.Enqueue((target, next), next);
    }

    /// <summary>
    /// The slots due at <paramref name="nowMs"/>, each target's next slot moved on by one interval. A slot more than
    /// one interval late is not started (its sample's timestamp would lie further back than one interval before the
    /// scrape): the target resumes at the latest slot within the last interval. While <paramref name="fenced"/>, due
    /// slots are skipped, not started.
    /// </summary>
    public List<(TargetRef Target, long SlotMs)> TakeDue(long nowMs, bool fenced = false)
    {
        var result = new List<(TargetRef, long)>();
        PruneStopped(nowMs);
        while (_due.TryPeek(out var entry, out var dueMs) && dueMs <= nowMs)
        {
            _due.Dequeue();
            if (!_held.TryGetValue(entry.Target, out var held) || held.NextSlotMs != entry.SlotMs)
            {
                continue; // stopped, restarted or moved since it was queued
            }
            var slot = entry.SlotMs;
            if (nowMs - slot >= held.IntervalMs)
            {
                var latest = AtOrAfter(entry.Target.Key, held.IntervalMs, nowMs - held.IntervalMs + 1);
                SkippedSlots += (latest - slot) / held.IntervalMs;
                slot = latest;
            }
            if (fenced)
            {
                SkippedSlots++;
            }
            else
            {
                result.Add((entry.Target, slot));
            }
            var next = slot + held.IntervalMs;
            _held[entry.Target] = held with { NextSlotMs = next };
            _due.Enqueue((entry.Target, next), next);
        }
        return result;
    }

    /// <summary>When the next slot is due, or null when nothing is held.</summary>
    public long? NextDueMs
    {
        get
        {
            while (_due.TryPeek(out var entry, out var dueMs))
            {
                if (_held.TryGetValue(entry.Target, out var held) && held.NextSlotMs == entry.SlotMs)
                {
                    return dueMs;
                }
                _due.Dequeue();
            }
            return null;
        }
    }

    /// <summary>
    /// Forgets where stopped targets stood once that lies more than an interval back: no start reaches further back
    /// than an interval (a sample's timestamp lies within one interval before its scrape).
    /// </summary>
    private void PruneStopped(long nowMs)
    {
        if (nowMs < _nextPruneMs || _stoppedBefore.Count == 0)
        {
            return;
        }
        _nextPruneMs = nowMs + 10_000;
        foreach (var (target, _) in _stoppedBefore.Where(s => s.Value.NextSlotMs < nowMs - s.Value.IntervalMs).ToList())
        {
            _stoppedBefore.Remove(target);
        }
    }

    private static long AtOrAfter(ulong key, long intervalMs, long timeMs) => ScrapeSlots.AtOrAfter(key, intervalMs, timeMs);

    private readonly record struct Held(long IntervalMs, long NextSlotMs);
}
