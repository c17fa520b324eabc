using System.Reflection;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>How a CLR property type maps onto Alloy values; shared by the decoder and the encoder.</summary>
internal static class ClrTypeShape
{
    /// <summary>The element type when <paramref name="type"/> is an array or a list/sequence interface, else null.</summary>
    public static Type? ListElement(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }
        if (type == typeof(string) || !type.IsGenericType)
        {
            return null;
        }
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>) || definition == typeof(List<>)
            || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(ICollection<>)
            ? type.GetGenericArguments()[0]
            : null;
    }

    /// <summary>The value type when <paramref name="type"/> is a string-keyed dictionary, else null.</summary>
    public static Type? DictionaryValue(Type type)
    {
        if (!type.IsGenericType)
        {
            return null;
        }
        var definition = type.GetGenericTypeDefinition();
        var arguments = type.GetGenericArguments();
        return (definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>))
            && arguments[0] == typeof(string)
            ? arguments[1]
            : null;
    }

    /// <summary>A class whose properties carry <see cref="AlloyAttribute"/> or <see cref="AlloyBlockAttribute"/>.</summary>
    public static bool IsAlloyObject(Type type) =>
        type.IsClass && type != typeof(string) && AlloyProperties(type).Any();

    public static IEnumerable<(PropertyInfo Property, AlloyAttribute Attribute)> AlloyProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<AlloyAttribute>()))
            .Where(p => p.Attribute is not null)
            .Select(p => (p.Property, p.Attribute!));

    public static IEnumerable<(PropertyInfo Property, AlloyBlockAttribute Attribute)> BlockProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<AlloyBlockAttribute>()))
            .Where(p => p.Attribute is not null)
            .Select(p => (p.Property, p.Attribute!));

    /// <summary>Types Alloy passes around opaquely (sample receivers and other host objects).</summary>
    public static bool IsCapsule(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return !(type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(Uri) || type == typeof(LabelSet) || ListElement(type) is not null || DictionaryValue(type) is not null || IsAlloyObject(type)
            || type == typeof(object));
    }

    /// <summary>An enum member's Alloy spelling: lower_snake_case of its name.</summary>
    public static string EnumName(object value)
    {
        var name = value.ToString()!;
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }
            builder.Append(char.ToLowerInvariant(name[i]));
        }
        return builder.ToString();
    }

    /// <summary>Compares an enum spelling loosely: case and underscores are ignored (<c>keepequal</c> = <c>KeepEqual</c>).</summary>
    public static string NormalizeEnumName(string name) => name.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>Describes a CLR type in Alloy terms for error messages.</summary>
    public static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type.IsEnum)
        {
            return "string";
        }
        if (type == typeof(Uri))
        {
            return "URL string";
        }
        if (type == typeof(TimeSpan))
        {
            return "duration";
        }
        if (type == typeof(bool))
        {
            return "bool";
        }
        if (type.IsPrimitive || type == typeof(decimal))
        {
            return "number";
        }
        if (type == typeof(LabelSet))
        {
            return "object";
        }
        if (ListElement(type) is { } element)
        {
            return $"list({Describe(element)})";
        }
        if (DictionaryValue(type) is { } value)
        {
            return $"map({Describe(value)})";
        }
        return IsAlloyObject(type) ? "object" : $"capsule(\"{type.Name}\")";
    }
}
