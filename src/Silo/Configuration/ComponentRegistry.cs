using System.Reflection;
using AlloyOrleans.Grains.Components;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>The components this build supports, found by scanning assemblies for <see cref="AlloyComponentAttribute"/>.</summary>
public sealed class ComponentRegistry
{
    private readonly Dictionary<string, ComponentRegistration> _byName;

    private ComponentRegistry(Dictionary<string, ComponentRegistration> byName) => _byName = byName;

    /// <summary>The built-in components plus those of <paramref name="extraAssemblies"/> (tests add their own).</summary>
    public static ComponentRegistry Create(IEnumerable<Assembly>? extraAssemblies = null)
    {
        // The Grains assembly's components, and this one's: the module system's import.* blocks.
        var assemblies = new List<Assembly> { typeof(IComponent).Assembly, typeof(ComponentRegistry).Assembly };
        assemblies.AddRange(extraAssemblies ?? []);
        var byName = new Dictionary<string, ComponentRegistration>(StringComparer.Ordinal);
        foreach (var type in assemblies.Distinct().SelectMany(a => a.GetTypes()))
        {
            var attribute = type.GetCustomAttribute<AlloyComponentAttribute>();
            if (attribute is null)
            {
                continue;
            }
            if (!typeof(IComponent).IsAssignableFrom(type) || type.IsAbstract)
            {
                throw new InvalidOperationException($"{type.FullName} has [AlloyComponent(\"{attribute.Name}\")] but is not a concrete IComponent");
            }
            if (!byName.TryAdd(attribute.Name, new ComponentRegistration(attribute.Name, type, attribute.ArgumentsType, attribute.ExportsType)))
            {
                throw new InvalidOperationException($"component \"{attribute.Name}\" is implemented twice: {byName[attribute.Name].ComponentType.FullName} and {type.FullName}");
            }
        }
        return new ComponentRegistry(byName);
    }

    public bool TryGet(string name, out ComponentRegistration registration) => _byName.TryGetValue(name, out registration!);
}
