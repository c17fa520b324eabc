namespace AlloyOrleans.Grains.Components;

/// <summary>An argument value that decoded but makes no sense (a negative interval, an unknown relabel action).</summary>
public sealed class ComponentArgumentException(string attributeName, string message) : Exception(message)
{
    /// <summary>The Alloy attribute or block name at fault, used to report its file position.</summary>
    public string AttributeName { get; } = attributeName;
}
