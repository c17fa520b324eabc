namespace AlloyOrleans.Silo.Syntax;

/// <summary>
/// Splits Alloy source into tokens. Like Go, a newline after a token that can end a statement (an identifier, a
/// literal, <c>)</c>, <c>]</c>, <c>}</c>) becomes a <see cref="TokenKind.Terminator"/>; other newlines are whitespace.
/// Comments are returned as tokens so the formatter can keep them; the parser sets them aside.
/// </summary>
public sealed class Lexer(string file, string source)
{
    private int _offset;
    private int _line = 1;
    private int _column = 1;
    private bool _insertTerminator;

    public string File { get; } = file;

    public Token Next()
    {
        SkipWhitespace();
        var start = Here();
        var startOffset = _offset;
        if (_offset >= source.Length)
        {
            if (_insertTerminator)
            {
                _insertTerminator = false;
                return new Token(TokenKind.Terminator, "\n", start, start.Line);
            }
            return new Token(TokenKind.EndOfFile, "", start, start.Line);
        }

        var ch = source[_offset];
        TokenKind kind;
        var canEndStatement = false;
        if (IsLetter(ch))
        {
            while (_offset < source.Length && (IsLetter(source[_offset]) || char.IsDigit(source[_offset])))
            {
                Advance();
            }
            var word = source[startOffset.._offset];
            kind = word switch
            {
                "true" or "false" => TokenKind.Bool,
                "null" => TokenKind.Null,
                _ => TokenKind.Identifier,
            };
            canEndStatement = true;
        }
        else if (IsDecimal(ch) || (ch == '.' && IsDecimal(Peek(1))))
        {
            kind = ScanNumber(start);
            canEndStatement = true;
        }
        else
        {
            switch (ch)
            {
                case '\n':
                    // Only reached when a terminator is due: SkipWhitespace eats other newlines.
                    Advance();
                    _insertTerminator = false;
                    return new Token(TokenKind.Terminator, "\n", start, start.Line);
                case '"':
                    ScanString(start);
                    kind = TokenKind.String;
                    canEndStatement = true;
                    break;
                case '`':
                    ScanRawString(start);
                    kind = TokenKind.String;
                    canEndStatement = true;
                    break;
                case '/' when Peek(1) is '/' or '*':
                    if (_insertTerminator && CommentsRunToLineEnd())
                    {
                        // The statement ends here; the comment comes after its terminator.
                        _insertTerminator = false;
                        return new Token(TokenKind.Terminator, "\n", start, start.Line);
                    }
                    kind = TokenKind.Comment;
                    ScanComment(start);
                    break;
                case '|':
                    kind = Pair('|', TokenKind.Or, start, "missing second | in ||");
                    break;
                case '&':
                    kind = Pair('&', TokenKind.And, start, "missing second & in &&");
                    break;
                case '!':
                    kind = OneOrTwo('=', TokenKind.Not, TokenKind.NotEqual);
                    break;
                case '=':
                    kind = OneOrTwo('=', TokenKind.Assign, TokenKind.Equal);
                    break;
                case '<':
                    kind = OneOrTwo('=', TokenKind.Less, TokenKind.LessEqual);
                    break;
                case '>':
                    kind = OneOrTwo('=', TokenKind.Greater, TokenKind.GreaterEqual);
                    break;
                default:
                    kind = ch switch
                    {
                        '+' => TokenKind.Add,
                        '-' => TokenKind.Subtract,
                        '*' => TokenKind.Multiply,
                        '/' => TokenKind.Divide,
                        '%' => TokenKind.Modulo,
                        '^' => TokenKind.Power,
                        '{' => TokenKind.LeftCurly,
                        '}' => TokenKind.RightCurly,
                        '(' => TokenKind.LeftParen,
                        ')' => TokenKind.RightParen,
                        '[' => TokenKind.LeftBracket,
                        ']' => TokenKind.RightBracket,
                        ',' => TokenKind.Comma,
                        '.' => TokenKind.Dot,
                        '\'' => throw new SyntaxException(start, "illegal single-quoted string; use double quotes"),
                        _ => throw new SyntaxException(start, $"illegal character {DescribeChar(ch)}"),
                    };
                    Advance();
                    canEndStatement = kind is TokenKind.RightCurly or TokenKind.RightParen or TokenKind.RightBracket;
                    break;
            }
        }

        _insertTerminator = canEndStatement;
        var text = source[startOffset.._offset];
        if (kind == TokenKind.Comment && text.Contains('\r'))
        {
            // Files with CRLF line ends format like LF ones.
            text = text.Replace("\r", "", StringComparison.Ordinal);
        }
        return new Token(kind, text, start, _line);
    }

    private SourcePosition Here() => new(File, _line, _column);

    private char Peek(int ahead) => _offset + ahead < source.Length ? source[_offset + ahead] : '\0';

    private void Advance()
    {
        if (source[_offset] == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }
        _offset++;
    }

    private void SkipWhitespace()
    {
        while (_offset < source.Length)
        {
            var ch = source[_offset];
            if (ch is ' ' or '\t' or '\r' or '\uFEFF' || (ch == '\n' && !_insertTerminator))
            {
                Advance();
            }
            else
            {
                return;
            }
        }
    }

    private TokenKind OneOrTwo(char second, TokenKind one, TokenKind two)
    {
        Advance();
        if (_offset < source.Length && source[_offset] == second)
        {
            Advance();
            return two;
        }
        return one;
    }

    private TokenKind Pair(char second, TokenKind kind, SourcePosition start, string error)
    {
        Advance();
        if (_offset >= source.Length || source[_offset] != second)
        {
            throw new SyntaxException(start, error);
        }
        Advance();
        return kind;
    }

    private TokenKind ScanNumber(SourcePosition start)
    {
        var kind = TokenKind.Number;
        while (_offset < source.Length && IsDecimal(source[_offset]))
        {
            Advance();
        }
        if (_offset < source.Length && source[_offset] == '.')
        {
            kind = TokenKind.Float;
            Advance();
            while (_offset < source.Length && IsDecimal(source[_offset]))
            {
                Advance();
            }
        }
        if (_offset < source.Length && source[_offset] is 'e' or 'E')
        {
            kind = TokenKind.Float;
            Advance();
            if (_offset < source.Length && source[_offset] is '+' or '-')
            {
                Advance();
            }
            var digits = 0;
            while (_offset < source.Length && IsDecimal(source[_offset]))
            {
                Advance();
                digits++;
            }
            if (digits == 0)
            {
                throw new SyntaxException(start, "exponent has no digits");
            }
        }
        return kind;
    }

    private void ScanString(SourcePosition start)
    {
        Advance(); // opening quote
        while (true)
        {
            if (_offset >= source.Length || source[_offset] == '\n')
            {
                throw new SyntaxException(start, "string literal not terminated");
            }
            var ch = source[_offset];
            Advance();
            if (ch == '"')
            {
                return;
            }
            if (ch == '\\')
            {
                ScanEscape();
            }
        }
    }

    private void ScanEscape()
    {
        var at = Here();
        if (_offset >= source.Length)
        {
            throw new SyntaxException(at, "escape sequence not terminated");
        }
        int digits, radix;
        switch (source[_offset])
        {
            case 'a' or 'b' or 'f' or 'n' or 'r' or 't' or 'v' or '\\' or '"':
                Advance();
                return;
            case >= '0' and <= '7':
                (digits, radix) = (3, 8);
                break;
            case 'x':
                Advance();
                (digits, radix) = (2, 16);
                break;
            case 'u':
                Advance();
                (digits, radix) = (4, 16);
                break;
            case 'U':
                Advance();
                (digits, radix) = (8, 16);
                break;
            default:
                throw new SyntaxException(at, "unknown escape sequence");
        }
        long value = 0;
        for (var i = 0; i < digits; i++)
        {
            var digit = _offset < source.Length ? HexValue(source[_offset]) : 16;
            if (digit >= radix)
            {
                throw new SyntaxException(at, _offset >= source.Length || source[_offset] == '\n'
                    ? "escape sequence not terminated"
                    : $"illegal character {DescribeChar(source[_offset])} in escape sequence");
            }
            value = value * radix + digit;
            Advance();
        }
        var max = radix == 8 || digits == 2 ? 255 : 0x10FFFF;
        if (value > max || value is >= 0xD800 and < 0xE000)
        {
            throw new SyntaxException(at, "escape sequence is invalid Unicode code point");
        }
    }

    private void ScanRawString(SourcePosition start)
    {
        Advance(); // opening backtick
        while (true)
        {
            if (_offset >= source.Length)
            {
                throw new SyntaxException(start, "raw string literal not terminated");
            }
            var ch = source[_offset];
            Advance();
            if (ch == '`')
            {
                return;
            }
        }
    }

    private void ScanComment(SourcePosition start)
    {
        Advance(); // '/'
        if (source[_offset] == '/')
        {
            while (_offset < source.Length && source[_offset] != '\n')
            {
                Advance();
            }
            return;
        }
        Advance(); // '*'
        while (_offset < source.Length)
        {
            var ch = source[_offset];
            Advance();
            if (ch == '*' && _offset < source.Length && source[_offset] == '/')
            {
                Advance();
                return;
            }
        }
        throw new SyntaxException(start, "block comment not terminated");
    }

    /// <summary>True when the comments starting here are followed only by whitespace before the line ends.</summary>
    private bool CommentsRunToLineEnd()
    {
        var i = _offset;
        while (i + 1 < source.Length && source[i] == '/')
        {
            if (source[i + 1] == '/')
            {
                return true;
            }
            if (source[i + 1] != '*')
            {
                return false;
            }
            i += 2;
            while (i < source.Length && !(source[i] == '*' && i + 1 < source.Length && source[i + 1] == '/'))
            {
                if (source[i] == '\n')
                {
                    return true;
                }
                i++;
            }
            i += 2;
            while (i < source.Length && source[i] is ' ' or '\t' or '\r')
            {
                i++;
            }
            if (i >= source.Length || source[i] == '\n')
            {
                return true;
            }
        }
        return false;
    }

    internal static bool IsLetter(char ch) => ch is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (ch > 127 && char.IsLetter(ch));

    private static bool IsDecimal(char ch) => ch is >= '0' and <= '9';

    private static int HexValue(char ch) => ch switch
    {
        >= '0' and <= '9' => ch - '0',
        >= 'a' and <= 'f' => ch - 'a' + 10,
        >= 'A' and <= 'F' => ch - 'A' + 10,
        _ => 16,
    };

    private static string DescribeChar(char ch) => $"U+{(int)ch:X4} '{ch}'";

    /// <summary>True when <paramref name="text"/> is a valid identifier (block labels must be).</summary>
    public static bool IsValidIdentifier(string text)
    {
        if (text.Length == 0 || !IsLetter(text[0]))
        {
            return false;
        }
        foreach (var ch in text)
        {
            if (!IsLetter(ch) && !char.IsDigit(ch))
            {
                return false;
            }
        }
        return true;
    }
}
