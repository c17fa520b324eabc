namespace AlloyOrleans.Grains.Components;

/// <summary>
/// Receives the label of a nested block (<c>profile.custom "name" { … }</c>). A block class with such a property must
/// be written with a label; one without it must not.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class AlloyBlockLabelAttribute : Attribute;
