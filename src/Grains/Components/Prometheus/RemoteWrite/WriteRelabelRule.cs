namespace AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;

/// <summary>
/// One <c>write_relabel_config</c> block: a Prometheus relabel rule applied to samples just before they are sent to
/// this endpoint. The rule engine itself lives in Discovery/Relabel and is reached through
/// <see cref="IWriteRelabelCompiler"/>.
/// </summary>
public sealed class WriteRelabelRule
{
    [Alloy("source_labels")]
    public IReadOnlyList<string> SourceLabels { get; set; } = [];

    [Alloy("separator")]
    public string Separator { get; set; } = ";";

    [Alloy("regex")]
    public string Regex { get; set; } = "(.*)";

    [Alloy("modulus")]
    public long Modulus { get; set; }

    [Alloy("target_label")]
    public string TargetLabel { get; set; } = "";

    [Alloy("replacement")]
    public string Replacement { get; set; } = "$1";

    [Alloy("action")]
    public string Action { get; set; } = "replace";
}
