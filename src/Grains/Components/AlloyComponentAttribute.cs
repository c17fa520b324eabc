namespace AlloyOrleans.Grains.Components;

/// <summary>
/// Declares a class as the implementation of an Alloy component (<c>discovery.file</c>, <c>prometheus.scrape</c>, …).
/// The configuration loader finds components by this attribute, so adding one needs no central list.
/// </summary>
/// <param name="name">The component's name as written in the configuration.</param>
/// <param name="argumentsType">The class its block decodes into (properties marked with <see cref="AlloyAttribute"/> and <see cref="AlloyBlockAttribute"/>).</param>
/// <param name="exportsType">The class of its exports, or null when it exports nothing.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class AlloyComponentAttribute(string name, Type argumentsType, Type? exportsType = null) : Attribute
{
    public string Name { get; } = name;

    public Type ArgumentsType { get; } = argumentsType;

    public Type? ExportsType { get; } = exportsType;
}
