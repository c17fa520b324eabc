using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Tests.Simulation;

/// <summary>
/// What the promise says, checked per target and slot: exactly one scrape per slot, except slots inside an excused
/// window (a crash or a freeze, from one interval before it until failure detection and the take-over are over; a
/// time with no silo running); and every scrape within one interval after its slot (its timestamp).
/// </summary>
public sealed class SlotCheck(long intervalMs)
{
    private readonly Dictionary<(TargetRef Target, long SlotMs), List<(string Silo, long AtMs)>> _scrapes = [];
    private readonly List<(long From, long To, string Why)> _excused = [];
    private readonly List<string> _problems = [];

    public int Scrapes { get; private set; }

    public void Record(TargetRef target, long slotMs, string silo, long atMs)
    {
        Scrapes++;
        if (atMs < slotMs || atMs - slotMs >= intervalMs)
        {
            _problems.Add($"{silo} scraped {target.Key:x16} slot {slotMs} at {atMs}: {atMs - slotMs} ms after its slot");
        }
        var key = (target, slotMs);
        (_scrapes.TryGetValue(key, out var list) ? list : _scrapes[key] = []).Add((silo, atMs));
    }

    public void Excuse(long fromMs, long toMs, string why) => _excused.Add((fromMs, toMs, why));

    /// <summary>Every problem in [fromMs, toMs): duplicates anywhere, gaps outside excused windows, late timestamps.</summary>
    public List<string> Problems(IReadOnlyCollection<TargetRef> targets, long fromMs, long toMs)
    {
        var problems = new List<string>(_problems);
        foreach (var target in targets)
        {
            for (var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, intervalMs, fromMs); slot < toMs; slot += intervalMs)
            {
                var scrapes = _scrapes.GetValueOrDefault((target, slot));
                if (scrapes is { Count: > 1 })
                {
                    problems.Add($"target {target.Key:x16} slot {slot} scraped {scrapes.Count} times: {string.Join(", ", scrapes.Select(s => $"{s.Silo}@{s.AtMs}"))}");
                }
                else if (scrapes is null && !_excused.Any(e => slot >= e.From && slot < e.To))
                {
                    problems.Add($"target {target.Key:x16} slot {slot} scraped by nobody");
                }
            }
        }
        return problems;
    }
}
