namespace AlloyOrleans.Silo.Syntax;

/// <summary>
/// A value-level error without a position (a wrong type, a failed function). The evaluator attaches the position of
/// the expression that produced it and rethrows it as a <see cref="SyntaxException"/>. <see cref="Path"/> says where
/// inside a nested value the problem is (<c>[0]["port"]</c>); it is built only when an error happens.
/// </summary>
public sealed class ValueException(string detail, int argumentIndex = -1, string path = "", bool isTypeMismatch = false)
    : Exception(path.Length == 0 ? detail : $"{path.TrimStart('.')}: {detail}")
{
    public string Detail { get; } = detail;

    public string Path { get; } = path;

    /// <summary>The function argument at fault, or -1 when the whole call is.</summary>
    public int ArgumentIndex { get; } = argumentIndex;

    /// <summary>The value has the wrong kind (a number where a string belongs), as opposed to a wrong value of the right kind.</summary>
    public bool IsTypeMismatch { get; } = isTypeMismatch;

    /// <summary>The same error one level further in: <paramref name="segment"/> is <c>[0]</c>, <c>["key"]</c> or <c>.field</c>.</summary>
    public ValueException Within(string segment) => new(Detail, ArgumentIndex, segment + Path, IsTypeMismatch);
}
