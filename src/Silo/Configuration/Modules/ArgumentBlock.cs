using AlloyOrleans.Grains.Components;

namespace AlloyOrleans.Silo.Configuration.Modules;

/// <summary>An <c>argument "name" { … }</c> block of a <c>declare</c>: a value the custom component's user passes in.</summary>
public sealed class ArgumentBlock
{
    /// <summary>Without it (or false) every use of the custom component must set the argument.</summary>
    [Alloy("optional")]
    public bool Optional { get; set; }

    /// <summary>The value when the user leaves an optional argument out (null otherwise).</summary>
    [Alloy("default")]
    public object? Default { get; set; }

    [Alloy("comment")]
    public string Comment { get; set; } = "";
}
