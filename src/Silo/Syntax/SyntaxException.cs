namespace AlloyOrleans.Silo.Syntax;

/// <summary>
/// A configuration error at a known position. <see cref="Exception.Message"/> is <c>file:line:column: message</c>,
/// the form users see on the command line; <see cref="Detail"/> is the message alone.
/// </summary>
public class SyntaxException(SourcePosition position, string detail) : Exception($"{position}: {detail}")
{
    public SourcePosition Position { get; } = position;

    public string Detail { get; } = detail;
}
