using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Silo.Configuration.Validation;

/// <summary>One problem <c>validate</c> found: where, and what. Diagnostics sort by file, line and column.</summary>
public sealed record Diagnostic(SourcePosition Position, string Message) : IComparable<Diagnostic>
{
    public static Diagnostic From(SyntaxException exception) => new(exception.Position, exception.Detail);

    public int CompareTo(Diagnostic? other)
    {
        if (other is null)
        {
            return 1;
        }
        var byFile = string.CompareOrdinal(Position.File, other.Position.File);
        if (byFile != 0)
        {
            return byFile;
        }
        var byLine = Position.Line.CompareTo(other.Position.Line);
        if (byLine != 0)
        {
            return byLine;
        }
        var byColumn = Position.Column.CompareTo(other.Position.Column);
        return byColumn != 0 ? byColumn : string.CompareOrdinal(Message, other.Message);
    }

    public override string ToString() => $"{Position}: {Message}";
}
