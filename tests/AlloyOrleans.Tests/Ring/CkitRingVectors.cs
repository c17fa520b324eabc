using System.Globalization;
using System.Text.Json;
using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Tests.Ring;

/// <summary>The golden vectors in Data/ckit-ring.json, produced by Alloy's (ckit's) ring implementation.</summary>
public static class CkitRingVectors
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "ckit-ring.json"))));

    private static JsonElement Root => Document.Value.RootElement;

    public static int TokensPerNode => Root.GetProperty("tokensPerNode").GetInt32();

    /// <summary>(node, its first tokens, its last token).</summary>
    public static IEnumerable<(string Node, ulong[] First, ulong Last)> NodeTokens() =>
        Root.GetProperty("nodeTokens").EnumerateArray().Select(e => (
            e.GetProperty("node").GetString()!,
            e.GetProperty("first8").EnumerateArray().Select(ParseHex).ToArray(),
            ParseHex(e.GetProperty("last"))));

    public static IEnumerable<(LabelSet Labels, ulong Key)> TargetKeys() =>
        Root.GetProperty("targetKeys").EnumerateArray().Select(e => (Labels(e.GetProperty("labels")), ParseHex(e.GetProperty("key"))));

    public static IEnumerable<(string[] Nodes, LabelSet Labels, string Owner)> Owners() =>
        Root.GetProperty("owners").EnumerateArray().Select(e => (
            e.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()!).ToArray(),
            Labels(e.GetProperty("labels")),
            e.GetProperty("owner").GetString()!));

    private static LabelSet Labels(JsonElement labels) =>
        LabelSet.From(labels.EnumerateObject().Select(p => new Label(p.Name, p.Value.GetString()!)));

    private static ulong ParseHex(JsonElement hex) => ulong.Parse(hex.GetString()!, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
