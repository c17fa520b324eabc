using Xunit;
using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Tests.Syntax;

public sealed class StandardLibraryTests
{
    private static readonly IReadOnlyDictionary<string, AlloyValue> Scope =
        StandardLibrary.Create(name => name == "HOME_DIR" ? "/home/alloy" : null, hostname: "node-7");

    private static string Eval(string expression) => Evaluator.Evaluate(Parser.ParseExpression("e", expression), Scope).ToString();

    [Theory]
    [InlineData("sys.env(\"HOME_DIR\")", "\"/home/alloy\"")]
    [InlineData("sys.env(\"UNSET\")", "\"\"")]
    [InlineData("env(\"HOME_DIR\")", "\"/home/alloy\"")]
    [InlineData("constants.hostname", "\"node-7\"")]
    [InlineData("constants.os", "\"linux\"")]
    [InlineData("array.concat([1, 2], [], [3])", "[1, 2, 3]")]
    [InlineData("file.path_join(\"/etc/alloy\", \"modules\", \"../lib/x.alloy\")", "\"/etc/alloy/lib/x.alloy\"")]
    [InlineData("file.path_join(\"a/\", \"./b\", \"\")", "\"a/b\"")]
    [InlineData("concat([\"a\"], [\"b\"])", "[\"a\", \"b\"]")]
    [InlineData("string.join([\"a\", \"b\", \"c\"], \"-\")", "\"a-b-c\"")]
    [InlineData("string.to_lower(\"MiXeD\")", "\"mixed\"")]
    [InlineData("string.to_upper(\"MiXeD\")", "\"MIXED\"")]
    [InlineData("string.trim(\"xxhixx\", \"x\")", "\"hi\"")]
    [InlineData("string.trim_space(\"  hi \")", "\"hi\"")]
    [InlineData("string.split(\"a,b\", \",\")", "[\"a\", \"b\"]")]
    [InlineData("string.replace(\"a.b.c\", \".\", \"/\")", "\"a/b/c\"")]
    [InlineData("coalesce(null, \"\", [], \"x\")", "\"x\"")]
    [InlineData("coalesce(0, false, 5)", "5")]
    [InlineData("coalesce(\"\", null)", "null")]
    [InlineData("encoding.from_json(\"{\\\"a\\\": [1, 2.5, true, null, \\\"s\\\"]}\")", "{\"a\" = [1, 2.5, true, null, \"s\"]}")]
    [InlineData("json_decode(\"[]\")", "[]")]
    [InlineData("encoding.from_base64(\"aGVsbG8=\")", "\"hello\"")]
    public void Functions_return_what_Alloy_returns(string expression, string expected)
    {
        Assert.Equal(expected, Eval(expression));
    }

    [Theory]
    [InlineData("string.format(\"%s:%d\", \"host\", 9100)", "\"host:9100\"")]
    [InlineData("format(\"%v|%v|%v\", \"s\", 1, 1.5)", "\"s|1|1.5\"")]
    [InlineData("string.format(\"%q\", \"a\\\"b\")", "\"\\\"a\\\\\\\"b\\\"\"")]
    [InlineData("string.format(\"%.2f %f\", 3.14159, 1)", "\"3.14 1.000000\"")]
    [InlineData("string.format(\"%5d|%-5s|%05d\", 42, \"ab\", -42)", "\"   42|ab   |-0042\"")]
    [InlineData("string.format(\"%t %%\", true)", "\"true %\"")]
    [InlineData("string.format(\"%d\", \"x\")", "\"%!d(string=x)\"")]
    [InlineData("string.format(\"%s %s\", \"x\")", "\"x %!s(MISSING)\"")]
    [InlineData("string.format(\"%s\", \"x\", 1)", "\"x%!(EXTRA int=1)\"")]
    [InlineData("string.format(\"%v\", [1, \"a\"])", "\"[1 a]\"")]
    public void String_format_follows_Go_fmt(string expression, string expected)
    {
        Assert.Equal(expected, Eval(expression));
    }

    [Theory]
    [InlineData("encoding.from_json(\"{\")", "e:1:20: encoding.from_json: invalid JSON")]
    [InlineData("encoding.from_base64(\"!!\")", "e:1:22: encoding.from_base64: illegal base64 data")]
    [InlineData("string.join([1], \",\")", "e:1:13: string.join: element 0: expected string, got number")]
    [InlineData("sys.env()", "e:1:1: sys.env: expected 1 argument, got 0")]
    [InlineData("array.concat([1], 2)", "e:1:19: array.concat: expected array, got number")]
    public void Bad_arguments_are_errors_at_the_argument(string expression, string expectedPrefix)
    {
        var error = Assert.Throws<FunctionCallException>(() => Eval(expression));
        Assert.StartsWith(expectedPrefix, error.Message);
    }
}
