using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;

/// <summary>The arguments of <c>prometheus.remote_write</c>, as Alloy's reference documents them.</summary>
public sealed class RemoteWriteArguments : IValidatableArguments
{
    [AlloyBlock("endpoint")]
    public IReadOnlyList<EndpointBlock> Endpoints { get; set; } = [];

    /// <summary>Added to every series that lacks them; a series' own label wins.</summary>
    [Alloy("external_labels")]
    public IReadOnlyDictionary<string, string> ExternalLabels { get; set; } = new Dictionary<string, string>();

    [AlloyBlock("wal")]
    public WalBlock Wal { get; set; } = new();

    public void Validate()
    {
        foreach (var name in ExternalLabels.Keys)
        {
            if (!IsLabelName(name))
            {
                throw new ComponentArgumentException("external_labels", $"\"{name}\" is not a valid label name");
            }
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in Endpoints)
        {
            endpoint.Validate();
            if (endpoint.Name is { Length: > 0 } name && !names.Add(name))
            {
                throw new ComponentArgumentException("name", $"two endpoints are named \"{name}\"");
            }
        }
        Wal.Validate();
    }

    internal IReadOnlyList<Label> ExternalLabelList() => [.. ExternalLabels.Select(kv => new Label(kv.Key, kv.Value))];

    internal static bool IsLabelName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
