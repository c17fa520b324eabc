namespace AlloyOrleans.Silo.Syntax;

public enum TokenKind
{
    EndOfFile,
    Comment,
    Identifier,
    String,
    Number,
    Float,
    Bool,
    Null,
    /// <summary>A statement end: a newline (or end of file) after a token that can end a statement.</summary>
    Terminator,
    Assign,
    Comma,
    Dot,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    LeftCurly,
    RightCurly,
    Or,
    And,
    Not,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    Power,
}

public static class TokenKindExtensions
{
    /// <summary>How the token is named in error messages (Alloy's spelling).</summary>
    public static string Describe(this TokenKind kind) => kind switch
    {
        TokenKind.EndOfFile => "EOF",
        TokenKind.Comment => "COMMENT",
        TokenKind.Identifier => "identifier",
        TokenKind.String => "string",
        TokenKind.Number => "number",
        TokenKind.Float => "floating-point number",
        TokenKind.Bool => "bool",
        TokenKind.Null => "null",
        TokenKind.Terminator => "TERMINATOR",
        _ => kind.Symbol(),
    };

    /// <summary>The operator or punctuation text of a token kind.</summary>
    public static string Symbol(this TokenKind kind) => kind switch
    {
        TokenKind.Assign => "=",
        TokenKind.Comma => ",",
        TokenKind.Dot => ".",
        TokenKind.LeftParen => "(",
        TokenKind.RightParen => ")",
        TokenKind.LeftBracket => "[",
        TokenKind.RightBracket => "]",
        TokenKind.LeftCurly => "{",
        TokenKind.RightCurly => "}",
        TokenKind.Or => "||",
        TokenKind.And => "&&",
        TokenKind.Not => "!",
        TokenKind.Equal => "==",
        TokenKind.NotEqual => "!=",
        TokenKind.Less => "<",
        TokenKind.LessEqual => "<=",
        TokenKind.Greater => ">",
        TokenKind.GreaterEqual => ">=",
        TokenKind.Add => "+",
        TokenKind.Subtract => "-",
        TokenKind.Multiply => "*",
        TokenKind.Divide => "/",
        TokenKind.Modulo => "%",
        TokenKind.Power => "^",
        _ => kind.ToString(),
    };

    /// <summary>Binary operator precedence, lowest 1 (<c>||</c>) to highest 6 (<c>^</c>); 0 for non-operators.</summary>
    public static int BinaryPrecedence(this TokenKind kind) => kind switch
    {
        TokenKind.Or => 1,
        TokenKind.And => 2,
        TokenKind.Equal or TokenKind.NotEqual or TokenKind.Less or TokenKind.LessEqual
            or TokenKind.Greater or TokenKind.GreaterEqual => 3,
        TokenKind.Add or TokenKind.Subtract => 4,
        TokenKind.Multiply or TokenKind.Divide or TokenKind.Modulo => 5,
        TokenKind.Power => 6,
        _ => 0,
    };
}
