using System.Globalization;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ring;
using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Tests.Infrastructure;

/// <summary>
/// Compares what a <see cref="ScrapeTargetServer"/> served with what a Prometheus receiver holds. Every scrape
/// serves <c>test_scrapes_total</c> = its own number, so the receiver's samples name the scrapes they came from:
/// <list type="bullet">
/// <item>lost: a scrape the scraper reported successful (<c>up</c> 1, or no <c>up</c> at all) whose value is not at the
/// receiver (dropped, refused, never sent);</item>
/// <item>failed: a scrape served whose scraper reported it failed (<c>up</c> 0 at its slot): the target answered after
/// the scrape timeout, or not at all — the target's side (or the machine) is slow, not the hand-off or the queue;</item>
/// <item>gap: a slot of the target's grid with no sample at the receiver;</item>
/// <item>twice: a slot the target served more than once (a duplicate scrape, whether or not the receiver took it), a
/// scrape's slot being its sample's timestamp where the receiver holds it, else the slot of the up 0 its failure
/// left (the slot its request arrived in or the one before), else the slot its request arrived in;</item>
/// <item>off grid: a sample whose timestamp is not one of the target's slots.</item>
/// </list>
/// Losses, failed scrapes and gaps inside an <see cref="Excuse"/> (a crash's or a freeze's window, for the victim's
/// targets) are counted apart; nothing else is excused.
/// </summary>
public sealed class ReceiverAudit
{
    private ReceiverAudit()
    {
    }

    /// <summary>Slots of these targets in [FromMs, ToMs) may be missing at the receiver, because of <paramref name="Why"/>.</summary>
    public sealed record Excuse(IReadOnlySet<int> Targets, long FromMs, long ToMs, string Why)
    {
        public bool Covers(int target, long slotMs) => Targets.Contains(target) && slotMs >= FromMs && slotMs < ToMs;
    }

    public int Served { get; private set; }

    public int Held { get; private set; }

    public int Excused { get; private set; }

    public List<string> Lost { get; } = [];

    public List<string> Failed { get; } = [];

    public List<string> Gaps { get; } = [];

    public List<string> Twice { get; } = [];

    public List<string> OffGrid { get; } = [];

    public bool Clean => Lost.Count == 0 && Failed.Count == 0 && Gaps.Count == 0 && Twice.Count == 0 && OffGrid.Count == 0;

    /// <summary>
    /// Audits the slots in [<paramref name="fromMs"/>, <paramref name="slotsToMs"/>) for gaps, and every scrape served
    /// from <paramref name="fromMs"/> on (to the end, so a drain at shutdown is checked too) for loss.
    /// </summary>
    public static async Task<ReceiverAudit> RunAsync(
        PrometheusReceiver prometheus, ScrapeTargetServer server, IReadOnlyList<LabelSet> targets, TimeSpan interval,
        long fromMs, long slotsToMs, IReadOnlyList<Excuse> excuses)
    {
        var intervalMs = ScrapeSlots.IntervalMs(interval);
        var window = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - fromMs) / 1000 + 2 * intervalMs / 1000 + 5;
        var held = await HeldAsync(prometheus, $"test_scrapes_total[{window}s]");
        var up = await HeldAsync(prometheus, $"up[{window}s]");
        var audit = new ReceiverAudit();
        for (var i = 0; i < targets.Count; i++)
        {
            var key = TargetKey.Compute(targets[i]);
            var first = ScrapeSlots.AtOrAfter(key, intervalMs, fromMs);
            var all = held.GetValueOrDefault(i.ToString(CultureInfo.InvariantCulture), []);
            var samples = all.Where(s => s.Ms >= first).ToList();
            // Where the receiver holds a scrape's value, its timestamp is the scrape's slot exactly: a scrape whose
            // request arrived after the next slot began (a loaded machine) still counts for its own slot.
            var slotOfValue = all.GroupBy(s => s.Value).ToDictionary(g => g.Key, g => g.First().Ms);
            var atSlot = samples.GroupBy(s => s.Ms).ToDictionary(g => g.Key, g => g.Count());
            audit.Held += samples.Count;
            bool Excused(long slot) => excuses.Any(e => e.Covers(i, slot));

            foreach (var sample in samples.Where(s => (s.Ms - first) % intervalMs != 0))
            {
                audit.OffGrid.Add($"target {i} ({key:x16}): sample at {sample.Ms} (value {sample.Value}) is off its grid");
            }
            for (var slot = first; slot < slotsToMs; slot += intervalMs)
            {
                if (atSlot.ContainsKey(slot))
                {
                    continue;
                }
                if (Excused(slot))
                {
                    audit.Excused++;
                }
                else
                {
                    audit.Gaps.Add($"target {i} ({key:x16}): no sample for slot {slot} ({Around(server.ScrapesWithScraperOf(i), slot)})");
                }
            }
            var upAt = up.GetValueOrDefault(i.ToString(CultureInfo.InvariantCulture), []).GroupBy(u => u.Ms).ToDictionary(g => g.Key, g => g.Min(u => u.Value));
            var valueAt = all.Select(s => s.Ms).ToHashSet();
            long SlotOf(ScrapeTargetServer.Scrape scrape)
            {
                if (slotOfValue.TryGetValue(scrape.Served, out var ms))
                {
                    return ms;
                }
                // Not at the receiver: a failed scrape left up 0 at its own slot, which is the one its request arrived
                // in or, for a scrape started late in its slot, the one before.
                var arrived = first + (long)Math.Floor((scrape.TimeMs - first) / (double)intervalMs) * intervalMs;
                return new[] { arrived, arrived - intervalMs }.FirstOrDefault(c => upAt.GetValueOrDefault(c, -1) == 0 && !valueAt.Contains(c), arrived);
            }
            foreach (var slot in server.ScrapesWithScraperOf(i).GroupBy(SlotOf).Where(g => g.Key >= first))
            {
                var scrapes = slot.ToList();
                audit.Served += scrapes.Count;
                if (scrapes.Count > 1)
                {
                    audit.Twice.Add($"target {i} ({key:x16}): slot {slot.Key} served {scrapes.Count} times ({string.Join(",", scrapes.Select(s => $"{s.Scraper}@{s.TimeMs}"))})");
                }
                foreach (var scrape in scrapes.Where(s => !slotOfValue.ContainsKey(s.Served)))
                {
                    if (Excused(slot.Key))
                    {
                        audit.Excused++;
                    }
                    else if (upAt.TryGetValue(slot.Key, out var upValue) && upValue == 0)
                    {
                        audit.Failed.Add($"target {i} ({key:x16}): scrape {scrape.Served} by {scrape.Scraper} (slot {slot.Key}) failed at the scraper (up 0): " +
                                         $"the request reached the target {scrape.TimeMs - slot.Key} ms after its slot and was answered " +
                                         (server.AnsweredMs(i, scrape.Served) is { } answered ? $"{answered - scrape.TimeMs} ms later" : "never"));
                    }
                    else
                    {
                        audit.Lost.Add($"target {i} ({key:x16}): scrape {scrape.Served} by {scrape.Scraper} at {scrape.TimeMs} (slot {slot.Key}) " +
                                       (upAt.ContainsKey(slot.Key) ? "succeeded (up 1) but its sample is not at the receiver" : "is not at the receiver, nor is an up sample for its slot"));
                    }
                }
            }
        }
        return audit;
    }

    public override string ToString() =>
        $"{Served} scrapes served, {Held} samples held; {Lost.Count} samples lost after a successful scrape, " +
        $"{Failed.Count} scrapes failed at the scraper (up 0: the target answered late or not at all), {Gaps.Count} gaps, " +
        $"{Twice.Count} slots served twice, {OffGrid.Count} off grid, {Excused} excused\n" +
        string.Join("\n", Lost.Take(8).Concat(Failed.Take(8)).Concat(Gaps.Take(8)).Concat(Twice.Take(8)).Concat(OffGrid.Take(4)));

    /// <summary>The scrapes the target served just before and after a slot, as scraper@ms relative to it.</summary>
    private static string Around(IReadOnlyList<ScrapeTargetServer.Scrape> scrapes, long slotMs)
    {
        var before = scrapes.LastOrDefault(s => s.TimeMs < slotMs);
        var after = scrapes.Where(s => s.TimeMs >= slotMs).Take(2).ToList();
        return $"served before: {(before.Served == 0 ? "none" : $"{before.Scraper}@{before.TimeMs - slotMs}")}; " +
               $"from the slot on: {(after.Count == 0 ? "none" : string.Join(" ", after.Select(s => $"{s.Scraper}@+{s.TimeMs - slotMs}")))}";
    }

    /// <summary>The raw samples of a range selector, per <c>target</c> label: (timestamp ms, value).</summary>
    private static async Task<Dictionary<string, List<(long Ms, long Value)>>> HeldAsync(PrometheusReceiver prometheus, string selector)
    {
        var result = new Dictionary<string, List<(long Ms, long Value)>>();
        foreach (var series in (await prometheus.QueryAsync(selector)).EnumerateArray())
        {
            var target = series.GetProperty("metric").GetProperty("target").GetString()!;
            var points = result.TryGetValue(target, out var existing) ? existing : result[target] = [];
            foreach (var point in series.GetProperty("values").EnumerateArray())
            {
                points.Add(((long)Math.Round(point[0].GetDouble() * 1000), (long)double.Parse(point[1].GetString()!, CultureInfo.InvariantCulture)));
            }
        }
        return result;
    }
}
