namespace AlloyOrleans.Silo.Syntax.Ast;

/// <summary>Any syntax tree node: where it starts, and the line it ends on (the formatter keeps line breaks).</summary>
public abstract record Node
{
    public abstract SourcePosition Start { get; }

    public abstract int EndLine { get; }
}
