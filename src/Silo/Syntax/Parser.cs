using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Syntax;

/// <summary>
/// Recursive-descent parser for Alloy syntax. Grammar (LL(1)):
/// <code>
/// File       = Body
/// Body       = [ Statement { terminator Statement } ]
/// Statement  = identifier "=" Expression | BlockName "{" Body "}"
/// BlockName  = identifier { "." identifier } [ string ]
/// Expression = OrExpr; precedence || &amp;&amp; (== != &lt; &lt;= &gt; &gt;=) (+ -) (* / %) ^ (right-associative)
/// Unary      = ( "!" | "-" ) Unary | Primary { "." identifier | "[" Expression "]" | "(" [ list ] ")" }
/// Primary    = identifier | literal | "(" Expression ")" | "[" [ list ] "]" | "{" [ fields ] "}"
/// </code>
/// The first error stops parsing with a <see cref="SyntaxException"/>.
/// </summary>
public sealed class Parser
{
    /// <summary>
    /// Nesting (blocks, brackets, operators) deeper than this is a syntax error rather than a stack overflow that
    /// kills the process; real configurations nest a handful of levels.
    /// </summary>
    internal const int MaxNesting = 500;

    private readonly Lexer _lexer;
    private int _nesting;
    private readonly List<CommentGroup> _comments = [];
    private Token _token;

    private Parser(string file, string source)
    {
        _lexer = new Lexer(file, source);
        Next();
    }

    public static AlloyFile ParseFile(string file, string source)
    {
        var parser = new Parser(file, source);
        var body = parser.ParseBody(TokenKind.EndOfFile);
        return new AlloyFile(file, body, parser._comments);
    }

    public static Expression ParseExpression(string file, string source)
    {
        var parser = new Parser(file, source);
        var expression = parser.ParseExpression();
        if (parser._token.Kind == TokenKind.Terminator)
        {
            parser.Next();
        }
        parser.Expect(TokenKind.EndOfFile);
        return expression;
    }

    private void Next()
    {
        _token = _lexer.Next();
        while (_token.Kind == TokenKind.Comment)
        {
            var group = new List<Token>();
            var endLine = _token.Start.Line;
            while (_token.Kind == TokenKind.Comment && _token.Start.Line <= endLine + 1)
            {
                group.Add(_token);
                endLine = _token.EndLine;
                _token = _lexer.Next();
            }
            _comments.Add(new CommentGroup(group));
        }
    }

    private SyntaxException Error(string message) => new(_token.Start, message);

    private Token Expect(TokenKind kind)
    {
        var token = _token;
        if (token.Kind != kind)
        {
            throw Error($"expected {kind.Describe()}, got {token.Kind.Describe()}");
        }
        Next();
        return token;
    }

    private List<Statement> ParseBody(TokenKind until)
    {
        var body = new List<Statement>();
        while (_token.Kind != until && _token.Kind != TokenKind.EndOfFile)
        {
            body.Add(ParseStatement());
            if (_token.Kind == until)
            {
                break;
            }
            if (_token.Kind != TokenKind.Terminator)
            {
                throw Error($"expected {TokenKind.Terminator.Describe()}, got {_token.Kind.Describe()}");
            }
            Next();
        }
        if (until == TokenKind.RightCurly && _token.Kind == TokenKind.EndOfFile)
        {
            throw Error($"expected }}, got {TokenKind.EndOfFile.Describe()}");
        }
        return body;
    }

    private Statement ParseStatement()
    {
        if (_token.Kind != TokenKind.Identifier)
        {
            throw Error($"expected identifier, got {_token.Kind.Describe()}");
        }
        var start = _token.Start;
        var fragments = new List<string> { _token.Text };
        Next();
        while (_token.Kind == TokenKind.Dot)
        {
            Next();
            fragments.Add(Expect(TokenKind.Identifier).Text);
        }

        string? label = null;
        var labelPosition = default(SourcePosition);
        if (_token.Kind is not TokenKind.Assign and not TokenKind.LeftCurly)
        {
            if (_token.Kind != TokenKind.String)
            {
                throw Error(fragments.Count == 1
                    ? $"expected attribute assignment or block body, got {_token.Kind.Describe()}"
                    : $"expected block body, got {_token.Kind.Describe()}");
            }
            if (_token.Text[0] != '"')
            {
                throw Error($"expected block label to be a double quoted string, but got {StringLiteral.Quote(_token.Text)}");
            }
            var text = StringLiteral.Unquote(_token.Text);
            if (text.Length > 0 && !Lexer.IsValidIdentifier(text))
            {
                throw Error($"expected block label to be a valid identifier, but got {StringLiteral.Quote(text)}");
            }
            // An empty label is no label, as in Alloy (the formatter drops it).
            label = text.Length > 0 ? text : null;
            labelPosition = _token.Start;
            Next();
            if (_token.Kind != TokenKind.LeftCurly)
            {
                throw Error($"expected block body, got {_token.Kind.Describe()}");
            }
        }

        if (_token.Kind == TokenKind.Assign)
        {
            if (fragments.Count != 1)
            {
                throw new SyntaxException(start, "attribute names may only consist of a single identifier with no \".\"");
            }
            Next();
            return new AttributeStatement(new Identifier(fragments[0], start), ParseExpression());
        }

        var leftCurly = Expect(TokenKind.LeftCurly).Start;
        Enter();
        var body = ParseBody(TokenKind.RightCurly);
        _nesting--;
        var rightCurly = Expect(TokenKind.RightCurly).Start;
        return new BlockStatement(fragments, start, label, labelPosition, body, leftCurly, rightCurly);
    }

    private Expression ParseExpression() => ParseBinary(1);

    private Expression ParseBinary(int minimumPrecedence)
    {
        var left = ParsePower();
        while (true)
        {
            var op = _token;
            var precedence = op.Kind.BinaryPrecedence();
            if (precedence < minimumPrecedence || op.Kind == TokenKind.Power || precedence == 0)
            {
                return left;
            }
            Next();
            var right = ParseBinary(precedence + 1);
            left = new BinaryExpression(left, op.Kind, op.Start, right);
        }
    }

    /// <summary>Every nested expression passes here (and through <see cref="ParseUnary"/> for a chain of unary operators).</summary>
    private Expression ParsePower()
    {
        Enter();
        var left = ParseUnary();
        if (_token.Kind != TokenKind.Power)
        {
            _nesting--;
            return left;
        }
        var position = _token.Start;
        Next();
        var power = new BinaryExpression(left, TokenKind.Power, position, ParsePower());
        _nesting--;
        return power;
    }

    /// <summary>One level deeper; the first error ends the parse, so a failed level need not be left.</summary>
    private void Enter()
    {
        if (++_nesting > MaxNesting)
        {
            throw Error($"nesting deeper than {MaxNesting} levels");
        }
    }

    private Expression ParseUnary()
    {
        if (_token.Kind is TokenKind.Not or TokenKind.Subtract)
        {
            var op = _token;
            Next();
            Enter();
            var unary = new UnaryExpression(op.Kind, op.Start, ParseUnary());
            _nesting--;
            return unary;
        }

        var expression = ParsePrimary();
        while (true)
        {
            switch (_token.Kind)
            {
                case TokenKind.Dot:
                    Next();
                    var name = Expect(TokenKind.Identifier);
                    expression = new AccessExpression(expression, new Identifier(name.Text, name.Start));
                    break;
                case TokenKind.LeftBracket:
                    var leftBracket = Expect(TokenKind.LeftBracket).Start;
                    var index = ParseExpression();
                    var rightBracket = Expect(TokenKind.RightBracket).Start;
                    expression = new IndexExpression(expression, index, leftBracket, rightBracket);
                    break;
                case TokenKind.LeftParen:
                    var leftParen = Expect(TokenKind.LeftParen).Start;
                    var arguments = _token.Kind == TokenKind.RightParen ? [] : ParseList(TokenKind.RightParen, ParseExpression, "expression");
                    var rightParen = Expect(TokenKind.RightParen).Start;
                    expression = new CallExpression(expression, arguments, leftParen, rightParen);
                    break;
                case TokenKind.String or TokenKind.LeftCurly:
                    throw new SyntaxException(expression.Start, "cannot use a block as an expression");
                default:
                    return expression;
            }
        }
    }

    private Expression ParsePrimary()
    {
        var token = _token;
        switch (token.Kind)
        {
            case TokenKind.Identifier:
                Next();
                return new IdentifierExpression(new Identifier(token.Text, token.Start));
            case TokenKind.String or TokenKind.Number or TokenKind.Float or TokenKind.Bool or TokenKind.Null:
                Next();
                return new LiteralExpression(token.Kind, token.Text, token.Start, token.EndLine);
            case TokenKind.LeftParen:
                Next();
                var inner = ParseExpression();
                var rightParen = Expect(TokenKind.RightParen).Start;
                return new ParenExpression(inner, token.Start, rightParen);
            case TokenKind.LeftBracket:
                Next();
                var elements = _token.Kind == TokenKind.RightBracket ? [] : ParseList(TokenKind.RightBracket, ParseExpression, "expression");
                var rightBracket = Expect(TokenKind.RightBracket).Start;
                return new ArrayExpression(elements, token.Start, rightBracket);
            case TokenKind.LeftCurly:
                Next();
                var fields = _token.Kind == TokenKind.RightCurly ? [] : ParseList(TokenKind.RightCurly, ParseField, "field");
                var rightCurly = Expect(TokenKind.RightCurly).Start;
                return new ObjectExpression(fields, token.Start, rightCurly);
            default:
                throw Error($"expected expression, got {token.Kind.Describe()}");
        }
    }

    /// <summary>Item { "," Item } [ "," ] up to (not including) <paramref name="until"/>.</summary>
    private List<T> ParseList<T>(TokenKind until, Func<T> parseItem, string what)
    {
        var items = new List<T>();
        while (_token.Kind != until && _token.Kind != TokenKind.EndOfFile)
        {
            items.Add(parseItem());
            if (_token.Kind == until)
            {
                break;
            }
            if (_token.Kind != TokenKind.Comma)
            {
                throw Error($"missing ',' in {what} list");
            }
            Next();
        }
        return items;
    }

    private ObjectField ParseField()
    {
        var token = _token;
        if (token.Kind is not TokenKind.String and not TokenKind.Identifier)
        {
            throw Error($"expected field name (string or identifier), got {token.Kind.Describe()}");
        }
        Next();
        Expect(TokenKind.Assign);
        var quoted = token.Kind == TokenKind.String;
        var name = quoted ? StringLiteral.Unquote(token.Text) : token.Text;
        return new ObjectField(new Identifier(name, token.Start), quoted, ParseExpression());
    }
}
