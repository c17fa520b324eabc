using Xunit;
using AlloyOrleans.Silo.Syntax;
using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Tests.Syntax;

public sealed class ParserTests
{
    [Fact]
    public void Blocks_attributes_and_labels_carry_their_positions()
    {
        var file = Parser.ParseFile("c.alloy", "// lead\nprometheus.scrape \"default\" {\n\ttargets = discovery.file.pods.targets\n\tclustering {\n\t\tenabled = true\n\t}\n}\n");

        var block = Assert.IsType<BlockStatement>(Assert.Single(file.Body));
        Assert.Equal(["prometheus", "scrape"], block.Name);
        Assert.Equal("default", block.Label);
        Assert.Equal(new SourcePosition("c.alloy", 2, 1), block.NamePosition);
        Assert.Equal(new SourcePosition("c.alloy", 2, 19), block.LabelPosition);
        Assert.Equal(7, block.RightCurly.Line);

        var targets = Assert.IsType<AttributeStatement>(block.Body[0]);
        Assert.Equal(new SourcePosition("c.alloy", 3, 2), targets.Name.Position);
        var access = Assert.IsType<AccessExpression>(targets.Value);
        Assert.Equal("targets", access.Name.Name);
        Assert.Equal(new SourcePosition("c.alloy", 3, 32), access.Name.Position);
        Assert.Equal(new SourcePosition("c.alloy", 3, 12), access.Start);

        var nested = Assert.IsType<BlockStatement>(block.Body[1]);
        Assert.Null(nested.Label);
        Assert.Equal(new SourcePosition("c.alloy", 5, 3), ((AttributeStatement)nested.Body[0]).Name.Position);

        Assert.Equal("// lead", Assert.Single(Assert.Single(file.Comments).Comments).Text);
    }

    [Fact]
    public void An_empty_label_is_no_label()
    {
        var block = Assert.IsType<BlockStatement>(Assert.Single(Parser.ParseFile("f", "logging \"\" {\n}\n").Body));
        Assert.Null(block.Label);
    }

    [Fact]
    public void Power_is_right_associative_and_binds_tighter_than_multiplication()
    {
        var expression = Parser.ParseExpression("e", "2 * 3 ^ 2 ^ 2");

        var product = Assert.IsType<BinaryExpression>(expression);
        Assert.Equal(TokenKind.Multiply, product.Operator);
        var power = Assert.IsType<BinaryExpression>(product.Right);
        Assert.Equal(TokenKind.Power, power.Operator);
        Assert.IsType<LiteralExpression>(power.Left);
        Assert.Equal(TokenKind.Power, Assert.IsType<BinaryExpression>(power.Right).Operator);
    }

    [Fact]
    public void Newlines_inside_brackets_need_trailing_commas_like_Go()
    {
        Parser.ParseFile("f", "a = [\n\t1,\n\t2,\n]\n");
        Parser.ParseFile("f", "a = f(\n\t1,\n)\n");

        var error = Assert.Throws<SyntaxException>(() => Parser.ParseFile("f", "a = [\n\t1,\n\t2\n]\n"));
        Assert.Equal("f:3:3: missing ',' in expression list", error.Message);
    }

    [Fact]
    public void A_comment_after_a_statement_does_not_swallow_its_terminator()
    {
        var file = Parser.ParseFile("f", "a = 1 // one\nb = 2 /* two */\nc = /* inline */ 3\n");

        Assert.Equal(["a", "b", "c"], file.Body.Cast<AttributeStatement>().Select(a => a.Name.Name));
        Assert.Equal(3, file.Comments.Count);
    }

    [Fact]
    public void Strings_decode_Go_escapes_and_raw_strings_are_verbatim()
    {
        Assert.Equal("a\"b\\c\td\n\u00e9\u00e9\U0001F600x", StringLiteral.Unquote("\"a\\\"b\\\\c\\td\\n\\u00e9\\xc3\\xa9\\U0001F600\\170\""));
        Assert.Equal("raw \\n \"string\"\nline", StringLiteral.Unquote("`raw \\n \"string\"\nline`"));
    }

    [Theory]
    [InlineData("a = \"open\n", "f:1:5: string literal not terminated")]
    [InlineData("a = \"bad \\q\"\n", "f:1:11: unknown escape sequence")]
    [InlineData("a = 'single'\n", "f:1:5: illegal single-quoted string; use double quotes")]
    [InlineData("a = 1 +\n", "f:2:1: expected expression, got EOF")]
    [InlineData("a.b = 1\n", "f:1:1: attribute names may only consist of a single identifier with no \".\"")]
    [InlineData("block \"not valid\" {}\n", "f:1:7: expected block label to be a valid identifier, but got \"not valid\"")]
    [InlineData("a = b { }\n", "f:1:5: cannot use a block as an expression")]
    [InlineData("a = 1 b = 2\n", "f:1:7: expected TERMINATOR, got identifier")]
    [InlineData("x {\n\ta = 1\n", "f:3:1: expected }, got EOF")]
    [InlineData("a = {b = 1 c = 2}\n", "f:1:12: missing ',' in field list")]
    [InlineData("a = 1e\n", "f:1:5: exponent has no digits")]
    [InlineData("a = 1 # 2\n", "f:1:7: illegal character U+0023 '#'")]
    [InlineData("/* open\n", "f:1:1: block comment not terminated")]
    public void Syntax_errors_name_their_position(string source, string expected)
    {
        var error = Assert.Throws<SyntaxException>(() => Parser.ParseFile("f", source));
        Assert.Equal(expected, error.Message);
    }
}
