namespace AlloyOrleans.Grains.Discovery.Relabel;

/// <summary>What a relabel rule does; the configuration spells these in lower case, as Prometheus does.</summary>
public enum RelabelAction
{
    Replace,
    Keep,
    Drop,
    KeepEqual,
    DropEqual,
    HashMod,
    LabelMap,
    LabelDrop,
    LabelKeep,
    Lowercase,
    Uppercase,
}

/// <summary>Maps the configuration spelling of an action to <see cref="RelabelAction"/> and back.</summary>
public static class RelabelActionNames
{
    private static readonly Dictionary<string, RelabelAction> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["replace"] = RelabelAction.Replace,
        ["keep"] = RelabelAction.Keep,
        ["drop"] = RelabelAction.Drop,
        ["keepequal"] = RelabelAction.KeepEqual,
        ["dropequal"] = RelabelAction.DropEqual,
        ["hashmod"] = RelabelAction.HashMod,
        ["labelmap"] = RelabelAction.LabelMap,
        ["labeldrop"] = RelabelAction.LabelDrop,
        ["labelkeep"] = RelabelAction.LabelKeep,
        ["lowercase"] = RelabelAction.Lowercase,
        ["uppercase"] = RelabelAction.Uppercase,
    };

    /// <summary>Parses an action name case-insensitively (Alloy lower-cases it before matching).</summary>
    public static bool TryParse(string name, out RelabelAction action) => ByName.TryGetValue(name, out action);

    public static string ToConfigName(this RelabelAction action) => action.ToString().ToLowerInvariant();
}
