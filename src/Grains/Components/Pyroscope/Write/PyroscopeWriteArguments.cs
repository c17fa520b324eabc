namespace AlloyOrleans.Grains.Components.Pyroscope.Write;

/// <summary>The arguments of <c>pyroscope.write</c>.</summary>
public sealed class PyroscopeWriteArguments
{
    [Alloy("external_labels")]
    public IReadOnlyDictionary<string, string> ExternalLabels { get; init; } = new Dictionary<string, string>();

    [AlloyBlock("endpoint")]
    public IReadOnlyList<WriteEndpointArguments> Endpoints { get; init; } = [];
}
