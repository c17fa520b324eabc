using AlloyOrleans.Grains.Components;

namespace AlloyOrleans.Silo.Configuration.Modules.Imports;

/// <summary>The arguments of <c>import.string</c>: the module's text itself.</summary>
public sealed class ImportStringArguments
{
    [Alloy("content", Required = true)]
    public string Content { get; set; } = "";
}
