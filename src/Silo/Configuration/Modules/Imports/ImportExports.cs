using AlloyOrleans.Grains.Components;

namespace AlloyOrleans.Silo.Configuration.Modules.Imports;

/// <summary>What an import publishes for the custom components of its namespace: module file name to content.</summary>
public sealed class ImportExports
{
    [Alloy("sources")]
    public IReadOnlyDictionary<string, string> Sources { get; init; } = new Dictionary<string, string>();
}
