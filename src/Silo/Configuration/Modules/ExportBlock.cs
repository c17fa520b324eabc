using AlloyOrleans.Grains.Components;

namespace AlloyOrleans.Silo.Configuration.Modules;

/// <summary>An <c>export "name" { value = … }</c> block of a <c>declare</c>: a field of the custom component's exports.</summary>
public sealed class ExportBlock
{
    [Alloy("value", Required = true)]
    public object? Value { get; set; }
}
