namespace AlloyOrleans.Silo.Syntax;

/// <summary>A lexical token: its kind, its source text, where it starts and the line its last character is on.</summary>
public readonly record struct Token(TokenKind Kind, string Text, SourcePosition Start, int EndLine);
