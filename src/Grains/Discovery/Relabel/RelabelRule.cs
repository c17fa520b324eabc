using System.Text.RegularExpressions;
using AlloyOrleans.Grains.Components;

namespace AlloyOrleans.Grains.Discovery.Relabel;

/// <summary>
/// One compiled, validated relabel rule (Prometheus' <c>relabel_config</c>, Alloy's <c>rule</c> block). Immutable and
/// safe to share between threads. Construction validates as Prometheus does and throws
/// <see cref="ComponentArgumentException"/> naming the offending attribute.
/// </summary>
public sealed partial class RelabelRule
{
    public const string DefaultSeparator = ";";
    public const string DefaultReplacement = "$1";

    public RelabelRule(
        IReadOnlyList<string>? sourceLabels = null,
        string separator = DefaultSeparator,
        string regex = RelabelRegex.DefaultPattern,
        ulong modulus = 0,
        string targetLabel = "",
        string replacement = DefaultReplacement,
        RelabelAction action = RelabelAction.Replace)
    {
        SourceLabels = sourceLabels?.ToArray() ?? [];
        Separator = separator;
        Modulus = modulus;
        TargetLabel = targetLabel;
        Replacement = replacement;
        Action = action;
        try
        {
            Regex = RelabelRegex.Create(regex);
        }
        catch (ArgumentException e)
        {
            throw new ComponentArgumentException("regex", $"invalid regex {Quote(regex)}: {e.Message}");
        }
        Validate(regex);
        TargetTemplate = GoRegexTemplate.Parse(targetLabel, Regex);
        ReplacementTemplate = GoRegexTemplate.Parse(replacement, Regex);
    }

    public IReadOnlyList<string> SourceLabels { get; }

    public string Separator { get; }

    public RelabelRegex Regex { get; }

    public ulong Modulus { get; }

    public string TargetLabel { get; }

    public string Replacement { get; }

    public RelabelAction Action { get; }

    internal GoRegexTemplate TargetTemplate { get; }

    internal GoRegexTemplate ReplacementTemplate { get; }

    /// <summary>Builds a rule from the configuration's spelling of the action; an unknown action is an argument error.</summary>
    public static RelabelRule Create(
        IReadOnlyList<string>? sourceLabels, string separator, string regex, ulong modulus, string targetLabel,
        string replacement, string action)
    {
        if (string.IsNullOrEmpty(action))
        {
            throw new ComponentArgumentException("action", "relabel action cannot be empty");
        }
        if (!RelabelActionNames.TryParse(action, out var parsed))
        {
            throw new ComponentArgumentException("action", $"unrecognized action type {Quote(action)}");
        }
        return new RelabelRule(sourceLabels, separator, regex, modulus, targetLabel, replacement, parsed);
    }

    /// <summary>Prometheus' label name rule (before UTF-8 names): <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    public static bool IsValidLabelName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (i > 0 && c is >= '0' and <= '9');
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    public override string ToString() =>
        $"rule {{ source_labels = [{string.Join(", ", SourceLabels.Select(Quote))}], separator = {Quote(Separator)}, regex = {Quote(Regex.Pattern)}, modulus = {Modulus}, target_label = {Quote(TargetLabel)}, replacement = {Quote(Replacement)}, action = {Quote(Action.ToConfigName())} }}";

    private void Validate(string regex)
    {
        var name = Action.ToConfigName();
        if (Action == RelabelAction.HashMod && Modulus == 0)
        {
            throw new ComponentArgumentException("modulus", "relabel configuration for hashmod requires non-zero modulus");
        }
        var needsTarget = Action is RelabelAction.Replace or RelabelAction.HashMod or RelabelAction.Lowercase
            or RelabelAction.Uppercase or RelabelAction.KeepEqual or RelabelAction.DropEqual;
        if (needsTarget && TargetLabel.Length == 0)
        {
            throw new ComponentArgumentException("target_label", $"relabel configuration for {name} action requires 'target_label' value");
        }
        var templatedTarget = Action is RelabelAction.Replace or RelabelAction.Lowercase or RelabelAction.Uppercase
            or RelabelAction.KeepEqual or RelabelAction.DropEqual;
        if (templatedTarget && !TargetPattern().IsMatch(TargetLabel))
        {
            throw new ComponentArgumentException("target_label", $"{Quote(TargetLabel)} is invalid 'target_label' for {name} action");
        }
        var plainTarget = Action is RelabelAction.Lowercase or RelabelAction.Uppercase or RelabelAction.KeepEqual
            or RelabelAction.DropEqual or RelabelAction.HashMod;
        if (plainTarget && !IsValidLabelName(TargetLabel))
        {
            throw new ComponentArgumentException("target_label", $"{Quote(TargetLabel)} is invalid 'target_label' for {name} action");
        }
        if (Action is RelabelAction.KeepEqual or RelabelAction.DropEqual &&
            (regex != RelabelRegex.DefaultPattern || Modulus != 0 || Separator != DefaultSeparator || Replacement != DefaultReplacement))
        {
            throw new ComponentArgumentException("action", $"{name} action requires only 'source_labels' and 'target_label', and no other fields");
        }
        if (Action == RelabelAction.LabelMap && !TargetPattern().IsMatch(Replacement))
        {
            throw new ComponentArgumentException("replacement", $"{Quote(Replacement)} is invalid 'replacement' for {name} action");
        }
        if (Action is RelabelAction.LabelDrop or RelabelAction.LabelKeep &&
            (SourceLabels.Count > 0 || TargetLabel.Length > 0 || Modulus != 0 || Separator != DefaultSeparator || Replacement != DefaultReplacement))
        {
            throw new ComponentArgumentException("action", $"{name} action requires only 'regex', and no other fields");
        }
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>A label name, possibly built from <c>$1</c> / <c>${name}</c> references (Prometheus' relabelTarget).</summary>
    [GeneratedRegex(@"^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+\z", RegexOptions.CultureInvariant)]
    private static partial Regex TargetPattern();
}
