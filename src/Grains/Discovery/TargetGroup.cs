using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Discovery;

/// <summary>
/// Prometheus' target group: targets (each at least an <c>__address__</c>) sharing common labels, from one source
/// (a file and index, a URL, a DNS name, a Kubernetes object).
/// </summary>
public sealed record TargetGroup(string Source, IReadOnlyList<LabelSet> Targets, LabelSet Labels)
{
    public const string AddressLabel = "__address__";

    /// <summary>The group's targets as complete label sets; a target's own label wins over the group's.</summary>
    public IEnumerable<LabelSet> Flatten()
    {
        foreach (var target in Targets)
        {
            if (Labels.Count == 0)
            {
                yield return target;
                continue;
            }
            var merged = Labels.ToDictionary();
            foreach (var label in target)
            {
                merged[label.Name] = label.Value;
            }
            yield return LabelSet.FromDictionary(merged);
        }
    }

    /// <summary>Flattens groups in order into one target list.</summary>
    public static IReadOnlyList<LabelSet> FlattenAll(IEnumerable<TargetGroup> groups) => groups.SelectMany(g => g.Flatten()).ToList();
}
