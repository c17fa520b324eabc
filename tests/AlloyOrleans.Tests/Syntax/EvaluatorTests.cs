using Xunit;
using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Tests.Syntax;

public sealed class EvaluatorTests
{
    private static readonly IReadOnlyDictionary<string, AlloyValue> Scope = StandardLibrary.Create(_ => null, "h");

    private static AlloyValue Eval(string expression) => Evaluator.Evaluate(Parser.ParseExpression("e", expression), Scope);

    [Theory]
    [InlineData("1 + 2 * 3", "7")]
    [InlineData("(1 + 2) * 3", "9")]
    [InlineData("2 ^ 3 ^ 2", "512")]
    [InlineData("-2 ^ 2", "4")]
    [InlineData("7 / 2", "3")]
    [InlineData("7.0 / 2", "3.5")]
    [InlineData("-7 % 3", "-1")]
    [InlineData("1.5 + 1", "2.5")]
    [InlineData("\"a\" + \"b\"", "\"ab\"")]
    [InlineData("1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3", "true")]
    [InlineData("\"abc\" < \"abd\"", "true")]
    [InlineData("1 == 1.0", "true")]
    [InlineData("[1, {a = \"x\"}] == [1, {a = \"x\"}]", "true")]
    [InlineData("null == null", "true")]
    [InlineData("1 != \"1\"", "true")]
    [InlineData("false || !false && false", "false")]
    [InlineData("true || 1", "true")]
    [InlineData("{a = [10, 20]}.a[1]", "20")]
    [InlineData("{\"b-c\" = 1}[\"b-c\"]", "1")]
    [InlineData("{a = 1}[\"missing\"]", "null")]
    [InlineData("1e3", "1000")]
    [InlineData(".5", "0.5")]
    public void Operators_follow_Alloy_precedence_and_types(string expression, string expected)
    {
        Assert.Equal(expected, Eval(expression).ToString());
    }

    [Theory]
    [InlineData("1 + \"a\"", "e:1:5: should be number, got string")]
    [InlineData("!1", "e:1:2: should be bool, got number")]
    [InlineData("1 / 0", "e:1:3: integer divide by zero")]
    [InlineData("[1][2]", "e:1:5: index 2 is out of range [0, 1)")]
    [InlineData("{a = 1}.b", "e:1:9: field \"b\" does not exist")]
    [InlineData("nope", "e:1:1: identifier \"nope\" does not exist")]
    [InlineData("string.to_upper(1)", "e:1:17: string.to_upper: expected string, got number")]
    [InlineData("\"a\"()", "e:1:1: cannot call string: expected function")]
    [InlineData("{a = 1, a = 2}", "e:1:9: field \"a\" is defined more than once")]
    public void Evaluation_errors_point_at_the_sub_expression(string expression, string expected)
    {
        var error = Assert.ThrowsAny<SyntaxException>(() => Eval(expression));
        Assert.Equal(expected, error.Message);
    }
}
