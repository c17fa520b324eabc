namespace AlloyOrleans.Silo.Syntax;

/// <summary>A place in a configuration file: 1-based line and column (columns count characters).</summary>
public readonly record struct SourcePosition(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
