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
    public static object? Decode(AlloyValue value, Type type) => Decode(value, type, "");

    private static object? Decode(AlloyValue value, Type type, string path)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (value.Kind == ValueKind.Null)
        {
            if (type.IsValueType && underlying is null)
            {
                throw Mismatch(path, type, value);
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
                _ => throw Mismatch(path, type, value),
            };
        }
        if (type == typeof(Uri))
        {
            if (value.Kind != ValueKind.String)
            {
                throw Mismatch(path, type, value);
            }
            return Uri.TryCreate(value.AsString(), UriKind.Absolute, out var uri)
                ? uri
                : throw new ValueException($"{Prefix(path)}invalid URL {StringLiteral.Quote(value.AsString())}");
        }
        if (type == typeof(bool))
        {
            return value.Kind == ValueKind.Bool ? value.AsBool() : throw Mismatch(path, type, value);
        }
        if (type == typeof(TimeSpan))
        {
            if (value.Kind != ValueKind.String)
            {
                throw Mismatch(path, type, value);
            }
            return GoDuration.TryParse(value.AsString(), out var duration)
                ? duration
                : throw new ValueException($"{Prefix(path)}invalid duration {StringLiteral.Quote(value.AsString())}");
        }
        if (type.IsEnum)
        {
            return DecodeEnum(value, type, path);
        }
        if (type.IsPrimitive || type == typeof(decimal))
        {
            return DecodeNumber(value, type, path);
        }
        if (type == typeof(LabelSet))
        {
            var fields = RequireObject(value, type, path);
            var labels = new List<Label>(fields.Count);
            foreach (var (name, labelValue) in fields)
            {
                labels.Add(new Label(name, (string)Decode(labelValue, typeof(string), $"{path}[{StringLiteral.Quote(name)}]")!));
            }
            return LabelSet.From(labels);
        }
        if (ClrTypeShape.ListElement(type) is { } element)
        {
            if (value.Kind != ValueKind.Array)
            {
                throw Mismatch(path, type, value);
            }
            var items = value.AsArray();
            var array = Array.CreateInstance(element, items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                array.SetValue(Decode(items[i], element, $"{path}[{i}]"), i);
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
            var fields = RequireObject(value, type, path);
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType))!;
            foreach (var (name, fieldValue) in fields)
            {
                dictionary[name] = Decode(fieldValue, valueType, $"{path}[{StringLiteral.Quote(name)}]");
            }
            return dictionary;
        }
        if (ClrTypeShape.IsAlloyObject(type))
        {
            var fields = RequireObject(value, type, path);
            var instance = Activator.CreateInstance(type)!;
            var properties = ClrTypeShape.AlloyProperties(type).ToDictionary(p => p.Attribute.Name, StringComparer.Ordinal);
            foreach (var (name, fieldValue) in fields)
            {
                if (!properties.TryGetValue(name, out var property))
                {
                    throw new ValueException($"{Prefix(path)}unrecognized field {StringLiteral.Quote(name)}");
                }
                property.Property.SetValue(instance, Decode(fieldValue, property.Property.PropertyType, $"{path}.{name}"));
            }
            foreach (var (property, attribute) in properties.Values)
            {
                if (attribute.Required && !fields.ContainsKey(attribute.Name))
                {
                    throw new ValueException($"{Prefix(path)}missing required field {StringLiteral.Quote(attribute.Name)}");
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
            throw Mismatch(path, type, value);
        }
        var capsule = value.AsCapsule();
        if (capsule is null)
        {
            return value.CapsuleType is { } declared && type.IsAssignableFrom(declared) ? null : throw Mismatch(path, type, value);
        }
        return type.IsInstanceOfType(capsule) ? capsule : throw Mismatch(path, type, value);
    }

    private static object DecodeEnum(AlloyValue value, Type type, string path)
    {
        if (value.Kind != ValueKind.String)
        {
            throw Mismatch(path, type, value);
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
        throw new ValueException($"{Prefix(path)}unknown value {StringLiteral.Quote(value.AsString())}; expected one of: {allowed}");
    }

    private static object DecodeNumber(AlloyValue value, Type type, string path)
    {
        if (value.Kind != ValueKind.Number)
        {
            throw Mismatch(path, type, value);
        }
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return Convert.ChangeType(value.AsDouble(), type, System.Globalization.CultureInfo.InvariantCulture);
        }
        var number = value.AsDouble();
        if (!value.IsInteger && number != Math.Floor(number))
        {
            throw new ValueException($"{Prefix(path)}expected integer, got {value}");
        }
        try
        {
            return value.IsInteger
                ? Convert.ChangeType(value.AsInt(), type, System.Globalization.CultureInfo.InvariantCulture)
                : Convert.ChangeType(number, type, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (OverflowException)
        {
            throw new ValueException($"{Prefix(path)}{value} is out of range for {type.Name}");
        }
    }

    private static IReadOnlyDictionary<string, AlloyValue> RequireObject(AlloyValue value, Type type, string path) =>
        value.Kind == ValueKind.Object ? value.AsObject() : throw Mismatch(path, type, value);

    private static ValueException Mismatch(string path, Type type, AlloyValue value) =>
        new($"{Prefix(path)}expected {ClrTypeShape.Describe(type)}, got {value.Kind.Describe()}");

    private static string Prefix(string path) => path.Length == 0 ? "" : $"{path.TrimStart('.')}: ";
}
