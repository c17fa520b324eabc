namespace AlloyOrleans.Silo.Syntax;

/// <summary>The types of Alloy values; the names appear in type errors.</summary>
public enum ValueKind
{
    Null,
    Number,
    String,
    Bool,
    Array,
    Object,
    Function,
    /// <summary>An opaque host value such as a sample receiver.</summary>
    Capsule,
}

public static class ValueKindExtensions
{
    public static string Describe(this ValueKind kind) => kind switch
    {
        ValueKind.Null => "null",
        ValueKind.Number => "number",
        ValueKind.String => "string",
        ValueKind.Bool => "bool",
        ValueKind.Array => "array",
        ValueKind.Object => "object",
        ValueKind.Function => "function",
        _ => "capsule",
    };
}
