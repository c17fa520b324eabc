using Xunit;
using AlloyOrleans.Silo.Configuration;
using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Tests.Configuration;

/// <summary>
/// The configuration corpus: every valid file round-trips through fmt unchanged and, when this build has all its
/// components, loads and type-checks; every invalid file fails with the exact position and message written on its
/// first line (<c>// error: LINE:COLUMN: MESSAGE</c>).
/// </summary>
public sealed class CorpusTests
{
    public static TheoryData<string> ValidFiles() => new(Directory.GetFiles(TestConfigurations.DataDirectory("valid"), "*.alloy").Select(Path.GetFileName).Order()!);

    public static TheoryData<string> InvalidFiles() => new(Directory.GetFiles(TestConfigurations.DataDirectory("invalid"), "*.alloy").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void Valid_configuration_round_trips_through_fmt_unchanged(string name)
    {
        var source = File.ReadAllText(Path.Combine(TestConfigurations.DataDirectory("valid"), name));

        Assert.Equal(source, Formatter.Format(name, source));
    }

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void Valid_configuration_loads_when_its_components_are_built(string name)
    {
        var source = File.ReadAllText(Path.Combine(TestConfigurations.DataDirectory("valid"), name));
        var file = Parser.ParseFile(name, source);
        var missing = file.Body.OfType<Silo.Syntax.Ast.BlockStatement>()
            .Select(b => b.FullName)
            .Where(n => n != "logging" && !TestConfigurations.Registry.TryGet(n, out _))
            .ToList();
        if (missing.Count > 0)
        {
            // Another component's branch brings these; until then, an unknown component must be named as such.
            var error = Assert.Throws<ConfigurationException>(() => TestConfigurations.Load(source, name));
            Assert.Contains($"unknown component \"", error.Detail);
            return;
        }

        var loaded = TestConfigurations.Load(source, name);
        Assert.Equal(file.Body.OfType<Silo.Syntax.Ast.BlockStatement>().Count(b => b.FullName != "logging"), loaded.Components.Count);
    }

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void Invalid_configuration_fails_with_its_position_and_message(string name)
    {
        var source = File.ReadAllText(Path.Combine(TestConfigurations.DataDirectory("invalid"), name));
        const string marker = "// error: ";
        Assert.StartsWith(marker, source);
        var expected = source[marker.Length..source.IndexOf('\n')];

        var error = Assert.ThrowsAny<SyntaxException>(() => TestConfigurations.Load(source, name));

        Assert.Equal(expected, $"{error.Position.Line}:{error.Position.Column}: {error.Detail}");
        Assert.Equal(name, error.Position.File);
    }
}
