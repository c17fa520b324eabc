namespace AlloyOrleans.Silo.Syntax.Ast;

public abstract record Expression : Node;

/// <summary>A string, number, float, bool or null literal, kept as written (the formatter prints it back verbatim).</summary>
public sealed record LiteralExpression(TokenKind Kind, string Text, SourcePosition Position, int LastLine) : Expression
{
    public override SourcePosition Start => Position;

    public override int EndLine => LastLine;
}

public sealed record IdentifierExpression(Identifier Identifier) : Expression
{
    public override SourcePosition Start => Identifier.Position;

    public override int EndLine => Identifier.Position.Line;
}

public sealed record ArrayExpression(IReadOnlyList<Expression> Elements, SourcePosition LeftBracket, SourcePosition RightBracket) : Expression
{
    public override SourcePosition Start => LeftBracket;

    public override int EndLine => RightBracket.Line;
}

/// <param name="Quoted">The key was written as a string (<c>"__address__" = …</c>).</param>
public sealed record ObjectField(Identifier Name, bool Quoted, Expression Value);

public sealed record ObjectExpression(IReadOnlyList<ObjectField> Fields, SourcePosition LeftCurly, SourcePosition RightCurly) : Expression
{
    public override SourcePosition Start => LeftCurly;

    public override int EndLine => RightCurly.Line;
}

/// <summary>Field access: <c>value.name</c>.</summary>
public sealed record AccessExpression(Expression Value, Identifier Name) : Expression
{
    public override SourcePosition Start => Value.Start;

    public override int EndLine => Name.Position.Line;
}

public sealed record IndexExpression(Expression Value, Expression Index, SourcePosition LeftBracket, SourcePosition RightBracket) : Expression
{
    public override SourcePosition Start => Value.Start;

    public override int EndLine => RightBracket.Line;
}

public sealed record CallExpression(Expression Function, IReadOnlyList<Expression> Arguments, SourcePosition LeftParen, SourcePosition RightParen) : Expression
{
    public override SourcePosition Start => Function.Start;

    public override int EndLine => RightParen.Line;
}

public sealed record UnaryExpression(TokenKind Operator, SourcePosition OperatorPosition, Expression Value) : Expression
{
    public override SourcePosition Start => OperatorPosition;

    public override int EndLine => Value.EndLine;
}

public sealed record BinaryExpression(Expression Left, TokenKind Operator, SourcePosition OperatorPosition, Expression Right) : Expression
{
    public override SourcePosition Start => Left.Start;

    public override int EndLine => Right.EndLine;
}

public sealed record ParenExpression(Expression Inner, SourcePosition LeftParen, SourcePosition RightParen) : Expression
{
    public override SourcePosition Start => LeftParen;

    public override int EndLine => RightParen.Line;
}
