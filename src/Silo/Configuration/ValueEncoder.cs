using System.Collections;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>Converts component exports (CLR values) into Alloy values, the reverse of <see cref="ValueDecoder"/>.</summary>
public static class ValueEncoder
{
    public static AlloyValue Encode(object? value, Type declaredType)
    {
        var type = Nullable.GetUnderlyingType(declaredType) ?? declaredType;
        switch (value)
        {
            case null:
                return ClrTypeShape.IsCapsule(type) ? AlloyValue.Capsule(null, type) : AlloyValue.Null;
            case AlloyValue alloy:
                return alloy;
            case string s:
                return AlloyValue.String(s);
            case bool b:
                return AlloyValue.Bool(b);
            case Uri uri:
                return AlloyValue.String(uri.OriginalString);
            case TimeSpan duration:
                return AlloyValue.String(GoDuration.Format(duration));
            case Enum e:
                return AlloyValue.String(ClrTypeShape.EnumName(e));
            case double or float or decimal:
                return AlloyValue.Float(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
            case sbyte or byte or short or ushort or int or uint or long:
                return AlloyValue.Int(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
            case ulong u:
                return u <= long.MaxValue ? AlloyValue.Int((long)u) : AlloyValue.Float(u);
            case LabelSet labels:
                return AlloyValue.Object(new LabelSetFields(labels));
        }

        if (ClrTypeShape.DictionaryValue(type) is { } valueType && value is IDictionary dictionary)
        {
            var fields = new OrderedDictionary<string, AlloyValue>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in dictionary)
            {
                fields[(string)entry.Key] = Encode(entry.Value, valueType);
            }
            return AlloyValue.Object(fields);
        }
        if (ClrTypeShape.DictionaryValue(type) is { } readOnlyValueType)
        {
            // IReadOnlyDictionary implementations that are not IDictionary: enumerate KeyValuePairs through reflection.
            var fields = new OrderedDictionary<string, AlloyValue>(StringComparer.Ordinal);
            foreach (var entry in (IEnumerable)value)
            {
                var entryType = entry.GetType();
                fields[(string)entryType.GetProperty("Key")!.GetValue(entry)!] = Encode(entryType.GetProperty("Value")!.GetValue(entry), readOnlyValueType);
            }
            return AlloyValue.Object(fields);
        }
        if (ClrTypeShape.ListElement(type) is { } element)
        {
            return AlloyValue.Array(((IEnumerable)value).Cast<object?>().Select(item => Encode(item, element)).ToArray());
        }
        if (ClrTypeShape.IsAlloyObject(type))
        {
            return EncodeObject(value, type);
        }
        return AlloyValue.Capsule(value, type);
    }

    /// <summary>An exports object: one field per <c>[Alloy]</c> property.</summary>
    public static AlloyValue EncodeObject(object value, Type type)
    {
        var fields = new OrderedDictionary<string, AlloyValue>(StringComparer.Ordinal);
        foreach (var (property, attribute) in ClrTypeShape.AlloyProperties(type))
        {
            fields[attribute.Name] = Encode(property.GetValue(value), property.PropertyType);
        }
        return AlloyValue.Object(fields);
    }

    /// <summary>
    /// The exports a component has before it publishes any: its exports class's defaults, with capsules as
    /// placeholders of their declared type (so references type-check before anything runs).
    /// </summary>
    public static AlloyValue DefaultExports(Type? exportsType)
    {
        if (exportsType is null)
        {
            return AlloyValue.Object(new OrderedDictionary<string, AlloyValue>());
        }
        object? instance = null;
        if (exportsType.GetConstructor(Type.EmptyTypes) is not null)
        {
            instance = Activator.CreateInstance(exportsType);
        }
        var fields = new OrderedDictionary<string, AlloyValue>(StringComparer.Ordinal);
        foreach (var (property, attribute) in ClrTypeShape.AlloyProperties(exportsType))
        {
            fields[attribute.Name] = Encode(instance is null ? null : property.GetValue(instance), property.PropertyType);
        }
        return AlloyValue.Object(fields);
    }
}
