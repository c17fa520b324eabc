using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Grains.Ownership;

/// <summary>
/// The targets this silo scrapes and where each is on its slot grid (<c>t ≡ key mod interval</c>). Pure: the caller
/// passes the time and runs what <see cref="TakeDue"/> returns. A slot is either started or skipped, never both. A
/// target handed over (<see cref="HandOver"/>) is scraped here up to the slot it was handed over from, which may lie
/// a few slots ahead, and resumes elsewhere at that slot. A target started here again never repeats a slot this silo
/// already started, whatever slot the hand-off chain names.
/// </summary>
public sealed class SlotDispatcher
{
    private readonly Dictionary<TargetRef, Held> _held = [];
    private readonly PriorityQueue<(TargetRef Target, long SlotMs), long> _due = new();
    private readonly Dictionary<TargetRef, Held> _stoppedBefore = [];
    private long _nextPruneMs;

    /// <summary>Targets this silo scrapes, held or still scraped up to a slot it handed over.</summary>
    public int Count => _held.Count;

    /// <summary>Targets this silo holds: scraped with no end in sight (not only up to a slot it handed over).</summary>
    public IEnumerable<TargetRef> HeldTargets => _held.Where(h => h.Value.IsOpen).Select(h => h.Key);

    /// <summary>Every target this silo still scrapes, held or handed over from a slot still ahead.</summary>
    public IEnumerable<TargetRef> Targets => _held.Keys;

    /// <summary>Whether a target handed over is still scraped here, up to the slot it was handed over from.</summary>
    public bool IsHandingOver => _held.Values.Any(h => !h.IsOpen);

    /// <summary>Slots passed over because the loop ran a whole interval late, or while fenced.</summary>
    public long SkippedSlots { get; private set; }

    /// <summary>Whether this silo holds the target: it scrapes it with no end in sight.</summary>
    public bool IsHeld(TargetRef target) => _held.TryGetValue(target, out var held) && held.IsOpen;

    /// <summary>Whether this silo still scrapes the target at all (held, or up to a slot it handed over).</summary>
    public bool IsScraping(TargetRef target) => _held.ContainsKey(target);

    /// <summary>For a target handed over and still scraped here, the slot it was handed over from (the first not scraped here).</summary>
    public long? HandedOverFrom(TargetRef target) =>
        _held.TryGetValue(target, out var held) && !held.IsOpen ? (held.Later is { } later ? later[^1].UntilMs : held.UntilMs) : null;

    public long? NextSlot(TargetRef target) => _held.TryGetValue(target, out var held) ? held.NextSlotMs : null;

    public long? IntervalOf(TargetRef target) => _held.TryGetValue(target, out var held) ? held.IntervalMs : null;

    /// <summary>
    /// Holds a target from <paramref name="firstSlotMs"/> on (aligned to the grid at or after it), but not from a slot
    /// this silo started before it last stopped the target: a chain that still names the slot a peer handed to this
    /// silo (which scraped on from it, then stopped while its view was not ready) must not get that slot twice. A
    /// target still scraped here up to a slot it handed over is held again: on from there when the new first slot
    /// follows on, else again from the new first slot (the slots between are the receiver's).
    /// </summary>
    public void Start(TargetRef target, long intervalMs, long firstSlotMs)
    {
        if (_held.TryGetValue(target, out var scraping))
        {
            if (!scraping.IsOpen)
            {
                _held[target] = scraping.HeldAgainFrom(AtOrAfter(target.Key, scraping.IntervalMs, firstSlotMs));
            }
            return;
        }
        if (_stoppedBefore.Remove(target, out var stopped))
        {
            firstSlotMs = Math.Max(firstSlotMs, stopped.NextSlotMs);
        }
        var first = AtOrAfter(target.Key, intervalMs, firstSlotMs);
        _held[target] = new Held(intervalMs, first);
        _due.Enqueue((target, first), first);
    }

    /// <summary>
    /// Hands a held target over from the first slot at or after <paramref name="earliestMs"/> (and after every slot
    /// this silo started): the slots before it are still scraped here, the receiver scrapes from it. Returns that
    /// slot, or null if the target is not held. The target stops here at once when no slot of it is left before.
    /// </summary>
    public long? HandOver(TargetRef target, long earliestMs)
    {
        if (!_held.TryGetValue(target, out var held) || !held.IsOpen)
        {
            return null;
        }
        var (handed, scrapedUntil) = held.HandedOverFrom(target.Key, earliestMs);
        if (scrapedUntil is { } rest)
        {
            _held[target] = rest;
        }
        else
        {
            _held.Remove(target);
            _stoppedBefore[target] = held;
        }
        return handed;
    }

    /// <summary>
    /// Stops holding a target: returns the first slot it did not start, or null if it was not held. Slots it handed
    /// over from a slot still ahead are scraped on up to that slot (a receiver counts on them).
    /// </summary>
    public long? Stop(TargetRef target) => HandOver(target, long.MinValue);

    /// <summary>Stops scraping a target at once, handed over or not (it disappeared, or this silo is done).</summary>
    public bool Drop(TargetRef target)
    {
        if (!_held.Remove(target, out var held))
        {
            return false;
        }
        _stoppedBefore[target] = held;
        return true;
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
        _held[target] = held with { IntervalMs = intervalMs, NextSlotMs = next };
        _due.Enqueue((target, next), next);
    }

    /// <summary>
    /// The slots due at <paramref name="nowMs"/>, each target's next slot moved on by one interval. A slot more than
    /// one interval late is not started (its sample's timestamp would lie further back than one interval before the
    /// scrape): the target resumes at the latest slot within the last interval. While <paramref name="fenced"/>, due
    /// slots are skipped, not started. A target handed over ends here right after its last slot before the one it was
    /// handed over from; those are added to <paramref name="ended"/>.
    /// </summary>
    public List<(TargetRef Target, long SlotMs)> TakeDue(long nowMs, bool fenced = false, List<TargetRef>? ended = null)
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
                SkippedSlots += held.SlotsScrapedHereIn(entry.Target.Key, slot, latest);
                slot = latest;
            }
            // Past the slots handed over to another silo, on to where this silo holds the target again, if anywhere.
            if (held.At(entry.Target.Key, slot) is not { } current)
            {
                End(entry.Target, held, ended);
                continue;
            }
            held = current;
            if (held.NextSlotMs <= nowMs)
            {
                if (fenced)
                {
                    SkippedSlots++;
                }
                else
                {
                    result.Add((entry.Target, held.NextSlotMs));
                }
                if (held.At(entry.Target.Key, held.NextSlotMs + held.IntervalMs) is not { } next)
                {
                    End(entry.Target, held with { NextSlotMs = held.NextSlotMs + held.IntervalMs }, ended); // right after its last slot
                    continue;
                }
                held = next;
            }
            _held[entry.Target] = held;
            _due.Enqueue((entry.Target, held.NextSlotMs), held.NextSlotMs);
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

    private void End(TargetRef target, Held held, List<TargetRef>? ended)
    {
        _held.Remove(target);
        _stoppedBefore[target] = held;
        ended?.Add(target);
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

    /// <summary>
    /// Where a target stands here: its next slot, the slot it is scraped up to (excluded; open when held), and, when it
    /// was handed over and then given back from a later slot, the spans in which this silo holds it again.
    /// </summary>
    private readonly record struct Held(long IntervalMs, long NextSlotMs, long UntilMs = long.MaxValue, Span[]? Later = null)
    {
        public bool IsOpen => (Later is { } later ? later[^1].UntilMs : UntilMs) == long.MaxValue;

        /// <summary>Held again from <paramref name="firstSlotMs"/> (on the grid): the last span goes on, or a new one starts.</summary>
        public Held HeldAgainFrom(long firstSlotMs)
        {
            var lastUntil = Later is { } later ? later[^1].UntilMs : UntilMs;
            if (firstSlotMs <= lastUntil)
            {
                return Later is { } spans ? this with { Later = [.. spans[..^1], spans[^1] with { UntilMs = long.MaxValue }] } : this with { UntilMs = long.MaxValue };
            }
            return this with { Later = [.. Later ?? [], new Span(firstSlotMs, long.MaxValue)] };
        }

        /// <summary>The slot the open span is handed over from, and what is left to scrape here (null: nothing).</summary>
        public (long Handed, Held? Left) HandedOverFrom(ulong key, long earliestMs)
        {
            if (Later is { } later)
            {
                var open = later[^1];
                var from = AtOrAfter(key, IntervalMs, Math.Max(earliestMs, open.FromMs));
                Span[] kept = from == open.FromMs ? later[..^1] : [.. later[..^1], open with { UntilMs = from }];
                return (from, this with { Later = kept.Length > 0 ? kept : null });
            }
            var handed = AtOrAfter(key, IntervalMs, Math.Max(earliestMs, NextSlotMs));
            return (handed, handed == NextSlotMs ? null : this with { UntilMs = handed });
        }

        /// <summary>
        /// The state with <paramref name="slotMs"/> as the next slot, moved on past spans that end at or before it to
        /// the next span this silo holds (null when none is left).
        /// </summary>
        public Held? At(ulong key, long slotMs)
        {
            var held = this with { NextSlotMs = slotMs };
            while (held.NextSlotMs >= held.UntilMs)
            {
                if (held.Later is not { } later)
                {
                    return null;
                }
                var span = later[0];
                held = new Held(IntervalMs, Math.Max(held.NextSlotMs, AtOrAfter(key, IntervalMs, span.FromMs)), span.UntilMs, later.Length > 1 ? later[1..] : null);
            }
            return held;
        }

        /// <summary>How many slots in [<paramref name="fromMs"/>, <paramref name="toMs"/>) this silo would have scraped.</summary>
        public long SlotsScrapedHereIn(ulong key, long fromMs, long toMs)
        {
            var count = SlotsIn(key, fromMs, Math.Min(toMs, UntilMs));
            foreach (var span in Later ?? [])
            {
                count += SlotsIn(key, Math.Max(fromMs, span.FromMs), Math.Min(toMs, span.UntilMs));
            }
            return count;
        }

        private long SlotsIn(ulong key, long fromMs, long toMs) =>
            fromMs >= toMs ? 0 : (AtOrAfter(key, IntervalMs, toMs) - AtOrAfter(key, IntervalMs, fromMs)) / IntervalMs;
    }

    /// <summary>Slots from <paramref name="FromMs"/> up to <paramref name="UntilMs"/> (excluded; open: long.MaxValue).</summary>
    private readonly record struct Span(long FromMs, long UntilMs);
}
