using System.Collections;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>
/// Converts an Alloy value into a CLR value of a property's type (see <c>AlloyAttribute</c> for the supported types).
/// Mismatches throw <see cref="ValueException"/> naming the path inside the value (<c>targets[0]["a"]</c>).
/// </summary>
public static class ValueDecoder
{
    public static object? Decode(AlloyValue value, Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (value.Kind == ValueKind.Null)
        {
            if (type.IsValueType && underlying is null)
            {
                throw Mismatch(type, value);
            }
            return null;
        }
        type = underlying ?? type;

        if (type == typeof(string))
        {
            // Alloy converts numbers to strings where a string is wanted (body_size_limit = 1048576).
            return value.Kind switch
            {
                ValueKind.String => value.AsString(),
                ValueKind.Number => value.FormatNumber(),
                _ => throw Mismatch(type, value),
            };
        }
        if (type == typeof(Uri))
        {
            if (value.Kind != ValueKind.String)
            {
                throw Mismatch(type, value);
            }
            return Uri.TryCreate(value.AsString(), UriKind.Absolute, out var uri)
                ? uri
                : throw new ValueException($"invalid URL {StringLiteral.Quote(value.AsString())}");
        }
        if (type == typeof(bool))
        {
            return value.Kind == ValueKind.Bool ? value.AsBool() : throw Mismatch(type, value);
        }
        if (type == typeof(TimeSpan))
        {
            if (value.Kind != ValueKind.String)
            {
                throw Mismatch(type, value);
            }
            return GoDuration.TryParse(value.AsString(), out var duration)
                ? duration
                : throw new ValueException($"invalid duration {StringLiteral.Quote(value.AsString())}");
        }
        if (type.IsEnum)
        {
            return DecodeEnum(value, type);
        }
        if (type.IsPrimitive || type == typeof(decimal))
        {
            return DecodeNumber(value, type);
        }
        if (type == typeof(LabelSet))
        {
            // Object keys are unique already, so sorting is all a label set needs (discovery hands over thousands).
            var fields = RequireObject(value, type);
            if (fields is LabelSetFields exported)
            {
                return exported.Labels;
            }
            var labels = new Label[fields.Count];
            var count = 0;
            foreach (var (name, labelValue) in fields)
            {
                var text = labelValue.Kind == ValueKind.String ? labelValue.AsString() : DecodeLabelValue(labelValue, name);
                if (text.Length > 0)
                {
                    labels[count++] = new Label(name, text);
                }
            }
            Array.Resize(ref labels, count);
            Array.Sort(labels, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            return LabelSet.FromSortedUnique(labels);
        }
        if (ClrTypeShape.ListElement(type) is { } element)
        {
            if (value.Kind != ValueKind.Array)
            {
                throw Mismatch(type, value);
            }
            var items = value.AsArray();
            var array = Array.CreateInstance(element, items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                try
                {
                    array.SetValue(Decode(items[i], element), i);
                }
                catch (ValueException e)
                {
                    throw e.Within($"[{i}]");
                }
            }
            if (type.IsArray || type.GetGenericTypeDefinition() != typeof(List<>))
            {
                return array;
            }
            var list = (IList)Activator.CreateInstance(type)!;
            foreach (var item in array)
            {
                list.Add(item);
            }
            return list;
        }
        if (ClrTypeShape.DictionaryValue(type) is { } valueType)
        {
            var fields = RequireObject(value, type);
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType))!;
            foreach (var (name, fieldValue) in fields)
            {
                try
                {
                    dictionary[name] = Decode(fieldValue, valueType);
                }
                catch (ValueException e)
                {
                    throw e.Within($"[{StringLiteral.Quote(name)}]");
                }
            }
            return dictionary;
        }
        if (ClrTypeShape.IsAlloyObject(type))
        {
            var fields = RequireObject(value, type);
            var instance = Activator.CreateInstance(type)!;
            var properties = ClrTypeShape.AlloyProperties(type).ToDictionary(p => p.Attribute.Name, StringComparer.Ordinal);
            foreach (var (name, fieldValue) in fields)
            {
                if (!properties.TryGetValue(name, out var property))
                {
                    throw new ValueException($"unrecognized field {StringLiteral.Quote(name)}");
                }
                try
                {
                    property.Property.SetValue(instance, Decode(fieldValue, property.Property.PropertyType));
                }
                catch (ValueException e)
                {
                    throw e.Within($".{name}");
                }
            }
            foreach (var (property, attribute) in properties.Values)
            {
                if (attribute.Required && !fields.ContainsKey(attribute.Name))
                {
                    throw new ValueException($"missing required field {StringLiteral.Quote(attribute.Name)}");
                }
            }
            return instance;
        }
        if (type == typeof(object))
        {
            return value;
        }

        // A capsule: the value must carry a host object of the wanted type; a placeholder (known type, value only at
        // run time, as during validation) decodes to null.
        if (value.Kind != ValueKind.Capsule)
        {
            throw Mismatch(type, value);
        }
        var capsule = value.AsCapsule();
        if (capsule is null)
        {
            return value.CapsuleType is { } declared && type.IsAssignableFrom(declared) ? null : throw Mismatch(type, value);
        }
        return type.IsInstanceOfType(capsule) ? capsule : throw Mismatch(type, value);
    }

    private static object DecodeEnum(AlloyValue value, Type type)
    {
        if (value.Kind != ValueKind.String)
        {
            throw Mismatch(type, value);
        }
        var wanted = ClrTypeShape.NormalizeEnumName(value.AsString());
        foreach (var member in Enum.GetValues(type))
        {
            if (ClrTypeShape.NormalizeEnumName(member.ToString()!) == wanted)
            {
                return member;
            }
        }
        var allowed = string.Join(", ", Enum.GetValues(type).Cast<object>().Select(ClrTypeShape.EnumName));
        throw new ValueException($"unknown value {StringLiteral.Quote(value.AsString())}; expected one of: {allowed}");
    }

    private static object DecodeNumber(AlloyValue value, Type type)
    {
        if (value.Kind != ValueKind.Number)
        {
            throw Mismatch(type, value);
        }
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return Convert.ChangeType(value.AsDouble(), type, System.Globalization.CultureInfo.InvariantCulture);
        }
        var number = value.AsDouble();
        if (!value.IsInteger && number != Math.Floor(number))
        {
            throw new ValueException($"expected integer, got {value}");
        }
        try
        {
            return value.IsInteger
                ? Convert.ChangeType(value.AsInt(), type, System.Globalization.CultureInfo.InvariantCulture)
                : Convert.ChangeType(number, type, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (OverflowException)
        {
            throw new ValueException($"{value} is out of range for {type.Name}");
        }
    }

    private static IReadOnlyDictionary<string, AlloyValue> RequireObject(AlloyValue value, Type type) =>
        value.Kind == ValueKind.Object ? value.AsObject() : throw Mismatch(type, value);

    private static string DecodeLabelValue(AlloyValue value, string name)
    {
        try
        {
            return (string)Decode(value, typeof(string))!;
        }
        catch (ValueException e)
        {
            throw e.Within($"[{StringLiteral.Quote(name)}]");
        }
    }

    private static ValueException Mismatch(Type type, AlloyValue value) =>
        new($"expected {ClrTypeShape.Describe(type)}, got {value.Kind.Describe()}", isTypeMismatch: true);
}
