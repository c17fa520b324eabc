using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ring;
using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Tests.Infrastructure;

/// <summary>Counts a target server's scrapes on each target's deterministic slot grid.</summary>
public static class SlotCounts
{
    /// <summary>
    /// Scrapes per slot for every target between two times: the slot grid is the target's (key mod interval), and a
    /// scrape counts for the slot whose interval [slot, slot + interval) it falls in — a scrape never starts before its
    /// slot, so a late one still counts for its own slot. Returns, per target index, the counts of each slot due in
    /// [fromMs, toMs).
    /// </summary>
    public static Dictionary<int, int[]> PerSlot(ScrapeTargetServer server, IReadOnlyList<LabelSet> targets, TimeSpan interval, long fromMs, long toMs) =>
        PerSlot([.. targets.Select((t, i) => (TargetKey.Compute(t), server.ScrapesOf(i)))], interval, fromMs, toMs);

    /// <summary>The same count for targets given by ring key and scrape times (Unix milliseconds), indexed as given.</summary>
    public static Dictionary<int, int[]> PerSlot(IReadOnlyList<(ulong Key, IReadOnlyList<long> Scrapes)> targets, TimeSpan interval, long fromMs, long toMs)
    {
        var intervalMs = ScrapeSlots.IntervalMs(interval);
        var result = new Dictionary<int, int[]>();
        for (var i = 0; i < targets.Count; i++)
        {
            var firstSlot = ScrapeSlots.AtOrAfter(targets[i].Key, interval, fromMs);
            var slots = (int)Math.Max(0, (toMs - firstSlot + intervalMs - 1) / intervalMs);
            var counts = new int[slots];
            foreach (var time in targets[i].Scrapes)
            {
                var index = (int)Math.Floor((time - firstSlot) / (double)intervalMs);
                if (index >= 0 && index < slots)
                {
                    counts[index]++;
                }
            }
            result[i] = counts;
        }
        return result;
    }
}
