namespace AlloyOrleans.Grains.Components;

/// <summary>
/// Maps a property to a nested block (<c>clustering { enabled = true }</c>). A property of a class type is a block
/// that may appear once; a property of type <c>IReadOnlyList&lt;T&gt;</c> is a block that may repeat (<c>rule { … }</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class AlloyBlockAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
