using AlloyOrleans.Grains.Discovery.Relabel;

namespace AlloyOrleans.Grains.Components.Common.Relabel;

/// <summary>
/// A <c>rule { … }</c> block, shared by <c>discovery.relabel</c>, <c>prometheus.relabel</c> and remote_write's
/// <c>write_relabel_config</c>. Names and defaults follow Alloy's reference.
/// </summary>
public sealed class RelabelRuleArguments : IValidatableArguments
{
    [Alloy("source_labels")]
    public IReadOnlyList<string> SourceLabels { get; set; } = [];

    [Alloy("separator")]
    public string Separator { get; set; } = RelabelRule.DefaultSeparator;

    [Alloy("regex")]
    public string Regex { get; set; } = RelabelRegex.DefaultPattern;

    [Alloy("modulus")]
    public long Modulus { get; set; }

    [Alloy("target_label")]
    public string TargetLabel { get; set; } = "";

    [Alloy("replacement")]
    public string Replacement { get; set; } = RelabelRule.DefaultReplacement;

    [Alloy("action")]
    public string Action { get; set; } = "replace";

    /// <summary>Compiles the block; throws <see cref="ComponentArgumentException"/> when it is invalid.</summary>
    public RelabelRule ToRule()
    {
        if (Modulus < 0)
        {
            throw new ComponentArgumentException("modulus", $"modulus must not be negative, got {Modulus}");
        }
        return RelabelRule.Create(SourceLabels, Separator, Regex, (ulong)Modulus, TargetLabel, Replacement, Action);
    }

    public void Validate() => ToRule();

    public static IReadOnlyList<RelabelRule> ToRules(IReadOnlyList<RelabelRuleArguments> rules)
    {
        var compiled = new RelabelRule[rules.Count];
        for (var i = 0; i < rules.Count; i++)
        {
            compiled[i] = rules[i].ToRule();
        }
        return compiled;
    }
}
