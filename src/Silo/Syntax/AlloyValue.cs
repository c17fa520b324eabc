using System.Globalization;

namespace AlloyOrleans.Silo.Syntax;

/// <summary>
/// An immutable Alloy value. Numbers keep whether they are integers (<see cref="IsInteger"/>), as Alloy prints and
/// divides them differently. Objects keep their keys in insertion order. Equality is structural (capsules compare
/// by reference), which is how the graph decides whether exports changed.
/// </summary>
public sealed class AlloyValue : IEquatable<AlloyValue>
{
    public static readonly AlloyValue Null = new(ValueKind.Null, null);
    public static readonly AlloyValue True = new(ValueKind.Bool, true);
    public static readonly AlloyValue False = new(ValueKind.Bool, false);

    private readonly object? _value;

    private AlloyValue(ValueKind kind, object? value)
    {
        Kind = kind;
        _value = value;
    }

    public ValueKind Kind { get; }

    /// <summary>For a capsule: the host type it stands for (kept even when the value is not yet known).</summary>
    public Type? CapsuleType { get; private init; }

    public static AlloyValue Int(long value) => new(ValueKind.Number, value);

    public static AlloyValue Float(double value) => new(ValueKind.Number, value);

    public static AlloyValue String(string value) => new(ValueKind.String, value);

    public static AlloyValue Bool(bool value) => value ? True : False;

    public static AlloyValue Array(IReadOnlyList<AlloyValue> elements) => new(ValueKind.Array, elements);

    public static AlloyValue Object(IReadOnlyDictionary<string, AlloyValue> fields) => new(ValueKind.Object, fields);

    public static AlloyValue Function(AlloyFunction function) => new(ValueKind.Function, function);

    /// <summary>A host value; <paramref name="value"/> is null for a placeholder whose value exists only at run time.</summary>
    public static AlloyValue Capsule(object? value, Type type) => new(ValueKind.Capsule, value) { CapsuleType = type };

    public bool IsInteger => _value is long;

    public long AsInt() => _value switch
    {
        long l => l,
        double d => (long)d,
        _ => throw Mismatch("number"),
    };

    public double AsDouble() => _value switch
    {
        long l => l,
        double d => d,
        _ => throw Mismatch("number"),
    };

    public string AsString() => Kind == ValueKind.String ? (string)_value! : throw Mismatch("string");

    public bool AsBool() => Kind == ValueKind.Bool ? (bool)_value! : throw Mismatch("bool");

    public IReadOnlyList<AlloyValue> AsArray() =>
        Kind == ValueKind.Array ? (IReadOnlyList<AlloyValue>)_value! : throw Mismatch("array");

    public IReadOnlyDictionary<string, AlloyValue> AsObject() =>
        Kind == ValueKind.Object ? (IReadOnlyDictionary<string, AlloyValue>)_value! : throw Mismatch("object");

    public AlloyFunction AsFunction() => Kind == ValueKind.Function ? (AlloyFunction)_value! : throw Mismatch("function");

    public object? AsCapsule() => Kind == ValueKind.Capsule ? _value : throw Mismatch("capsule");

    public ValueException Mismatch(string expected) => new($"expected {expected}, got {Kind.Describe()}");

    public bool Equals(AlloyValue? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        if (other is null || other.Kind != Kind)
        {
            return false;
        }
        switch (Kind)
        {
            case ValueKind.Null:
                return true;
            case ValueKind.Number:
                return IsInteger && other.IsInteger ? AsInt() == other.AsInt() : AsDouble().Equals(other.AsDouble());
            case ValueKind.Array:
                var left = AsArray();
                var right = other.AsArray();
                if (left.Count != right.Count)
                {
                    return false;
                }
                for (var i = 0; i < left.Count; i++)
                {
                    if (!left[i].Equals(right[i]))
                    {
                        return false;
                    }
                }
                return true;
            case ValueKind.Object:
                var a = AsObject();
                var b = other.AsObject();
                if (a.Equals(b))
                {
                    // Same instance, or a host-side view that knows its own equality (a label set).
                    return true;
                }
                if (a.Count != b.Count)
                {
                    return false;
                }
                foreach (var (key, value) in a)
                {
                    if (!b.TryGetValue(key, out var otherValue) || !value.Equals(otherValue))
                    {
                        return false;
                    }
                }
                return true;
            case ValueKind.Capsule:
                return ReferenceEquals(_value, other._value) && CapsuleType == other.CapsuleType;
            default:
                return Equals(_value, other._value);
        }
    }

    public override bool Equals(object? obj) => obj is AlloyValue other && Equals(other);

    public override int GetHashCode() => Kind switch
    {
        ValueKind.Number => AsDouble().GetHashCode(),
        ValueKind.String or ValueKind.Bool => _value!.GetHashCode(),
        ValueKind.Array => HashCode.Combine(Kind, AsArray().Count),
        ValueKind.Object => HashCode.Combine(Kind, AsObject().Count),
        _ => Kind.GetHashCode(),
    };

    /// <summary>The value in Alloy syntax (<c>{"a" = 1}</c>), as error messages and <c>%v</c> show it.</summary>
    public override string ToString() => Kind switch
    {
        ValueKind.Null => "null",
        ValueKind.Number => FormatNumber(),
        ValueKind.String => Syntax.StringLiteral.Quote(AsString()),
        ValueKind.Bool => AsBool() ? "true" : "false",
        ValueKind.Array => "[" + string.Join(", ", AsArray()) + "]",
        ValueKind.Object => "{" + string.Join(", ", AsObject().Select(f => $"{Syntax.StringLiteral.Quote(f.Key)} = {f.Value}")) + "}",
        ValueKind.Function => "function",
        _ => $"capsule(\"{CapsuleType?.Name}\")",
    };

    public string FormatNumber() => _value is long l
        ? l.ToString(CultureInfo.InvariantCulture)
        : AsDouble().ToString("R", CultureInfo.InvariantCulture);
}
