using System.Text;
using AlloyOrleans.Silo.Syntax;
using AlloyOrleans.Tests.Configuration;
using Xunit;

namespace AlloyOrleans.Tests.Hostile;

/// <summary>
/// Random and mutated Alloy files (seeded): the parser either parses or throws <see cref="SyntaxException"/> with a
/// position, so a malformed configuration exits with <c>file:line:column</c> and never with a crash.
/// </summary>
public sealed class AlloySyntaxFuzzTests
{
    private static readonly string[] Fragments =
        ["{", "}", "[", "]", "(", ")", "\"", "=", ".", ",", "\n", "//", "/*", "*/", "`", "\\", "\\u", "\\x", "0x", "1e999",
         "99999999999999999999999", "-", "!", "&&", "||", "==", "<=", "^", "%", "null", "true", "env(\"HOME\")", "a.b.c", " \"label\" ",
         "\t", "\0", "é", "\ud800", "0.", ".5", "1_000", "//\n", "'"];

    [Fact]
    public void Mutated_configurations_fail_only_with_a_syntax_error()
    {
        var seeds = Seeds();
        var random = new Random(31);
        for (var i = 0; i < 5000; i++)
        {
            AssertOnlySyntaxErrors(Mutate(seeds[random.Next(seeds.Count)], random), $"mutation {i}");
        }
    }

    [Fact]
    public void Random_text_fails_only_with_a_syntax_error()
    {
        var random = new Random(32);
        for (var i = 0; i < 3000; i++)
        {
            var text = new StringBuilder();
            var parts = random.Next(1, 40);
            for (var p = 0; p < parts; p++)
            {
                text.Append(random.Next(4) == 0 ? ((char)random.Next(32, 127)).ToString() : Fragments[random.Next(Fragments.Length)]);
            }
            AssertOnlySyntaxErrors(text.ToString(), $"random {i}");
        }
    }

    [Theory]
    [InlineData("x = ", "[", "]")]
    [InlineData("x = ", "(", ")")]
    [InlineData("x = ", "{a = ", "}")]
    [InlineData("x = ", "-", "1")]
    [InlineData("", "a {\n", "}\n")]
    public void Deep_nesting_is_a_syntax_error_not_a_crash(string prefix, string open, string close)
    {
        var depth = 100_000;
        var source = prefix + string.Concat(Enumerable.Repeat(open, depth)) + string.Concat(Enumerable.Repeat(close, depth));
        var error = Assert.Throws<SyntaxException>(() => Parser.ParseFile("deep.alloy", source));
        Assert.Contains("nesting", error.Detail);
    }

    private static void AssertOnlySyntaxErrors(string source, string what)
    {
        try
        {
            Parser.ParseFile("fuzz.alloy", source);
        }
        catch (SyntaxException e)
        {
            Assert.True(e.Position.Line >= 1 && e.Position.Column >= 1, $"{what}: error without a position: {e.Message}");
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name} escaped the parser for {Convert.ToBase64String(Encoding.UTF8.GetBytes(source))}: {e}");
        }
    }

    private static List<string> Seeds() =>
        [.. new[] { "valid", "invalid" }
            .SelectMany(kind => Directory.GetFiles(TestConfigurations.DataDirectory(kind), "*.alloy"))
            .Order()
            .Select(File.ReadAllText)];

    private static string Mutate(string seed, Random random)
    {
        var text = new StringBuilder(seed);
        var steps = random.Next(1, 5);
        for (var s = 0; s < steps; s++)
        {
            var at = text.Length == 0 ? 0 : random.Next(text.Length);
            switch (random.Next(5))
            {
                case 0 when text.Length > 0:
                    text.Remove(at, Math.Min(random.Next(1, 12), text.Length - at));
                    break;
                case 1 when text.Length > 0:
                    var length = Math.Min(random.Next(1, 40), text.Length - at);
                    text.Insert(random.Next(text.Length), text.ToString(at, length));
                    break;
                case 2 when text.Length > 0:
                    text[at] = (char)random.Next(32, 127);
                    break;
                case 3 when text.Length > 0:
                    text.Length = at;
                    break;
                default:
                    text.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
            }
        }
        return text.ToString();
    }
}
