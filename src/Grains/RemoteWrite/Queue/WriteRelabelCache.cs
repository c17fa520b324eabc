using System.Runtime.CompilerServices;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Discovery.Relabel;

namespace AlloyOrleans.Grains.RemoteWrite.Queue;

/// <summary>
/// An endpoint's <c>write_relabel_config</c>, applied once per series rather than once per sample: every sample of a
/// series carries the same label set instance (the scraper's series cache, the WAL's series table), so the result is
/// kept against that instance and forgotten when the series is.
/// </summary>
internal sealed class WriteRelabelCache(Label[] externalLabels, IReadOnlyList<RelabelRule> rules)
{
    /// <summary>Stands for "the rules drop this series".</summary>
    private static readonly LabelSet Dropped = LabelSet.From(("__dropped__", "true"));

    private readonly ConditionalWeakTable<LabelSet, LabelSet> _results = [];

    /// <summary>The series' labels as sent (external labels added, then the rules applied), or null when dropped.</summary>
    public LabelSet? Apply(LabelSet labels)
    {
        if (!_results.TryGetValue(labels, out var result))
        {
            // Prometheus relabels after adding external labels, so the rules see (and may drop or rewrite) them.
            var withExternal = externalLabels.Length > 0 ? LabelSet.From(externalLabels.Concat(labels)) : labels;
            result = RelabelProcessor.Process(withExternal, rules) is { Count: > 0 } kept ? kept : Dropped;
            _results.AddOrUpdate(labels, result);
        }
        return ReferenceEquals(result, Dropped) ? null : result;
    }
}
