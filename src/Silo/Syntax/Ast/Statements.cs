namespace AlloyOrleans.Silo.Syntax.Ast;

/// <summary>A statement in a body: an attribute (<c>name = value</c>) or a block (<c>name "label" { … }</c>).</summary>
public abstract record Statement : Node;

public sealed record AttributeStatement(Identifier Name, Expression Value) : Statement
{
    public override SourcePosition Start => Name.Position;

    public override int EndLine => Value.EndLine;
}

/// <param name="Name">The dotted name fragments (<c>prometheus</c>, <c>scrape</c>).</param>
/// <param name="Label">The label without quotes, or null when the block has none.</param>
public sealed record BlockStatement(
    IReadOnlyList<string> Name,
    SourcePosition NamePosition,
    string? Label,
    SourcePosition LabelPosition,
    IReadOnlyList<Statement> Body,
    SourcePosition LeftCurly,
    SourcePosition RightCurly) : Statement
{
    public string FullName => string.Join('.', Name);

    public override SourcePosition Start => NamePosition;

    public override int EndLine => RightCurly.Line;
}

public sealed record Identifier(string Name, SourcePosition Position);

/// <summary>A run of comments on adjacent lines.</summary>
public sealed record CommentGroup(IReadOnlyList<Token> Comments);

public sealed record AlloyFile(string Name, IReadOnlyList<Statement> Body, IReadOnlyList<CommentGroup> Comments);
