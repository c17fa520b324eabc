namespace AlloyOrleans.Silo.Syntax;

/// <summary>
/// A value-level error without a position (a wrong type, a failed function). The evaluator attaches the position of
/// the expression that produced it and rethrows it as a <see cref="SyntaxException"/>.
/// </summary>
public sealed class ValueException(string message, int argumentIndex = -1) : Exception(message)
{
    /// <summary>The function argument at fault, or -1 when the whole call is.</summary>
    public int ArgumentIndex { get; } = argumentIndex;
}
