using Xunit;
using AlloyOrleans.Silo.Configuration;
using AlloyOrleans.Silo.Configuration.Validation;
using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Tests.Configuration;

/// <summary>
/// The configuration corpus: every valid file round-trips through fmt unchanged, passes the static validate on a
/// machine with no cluster and no variables, and, when this build has all its components, loads and type-checks;
/// every invalid file reports exactly the diagnostics written at its top.
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
        var missing = ConfigurationValidator.Validate(name, source, TestConfigurations.Registry)
            .Where(d => d.Message.StartsWith("unknown component", StringComparison.Ordinal))
            .ToList();
        if (missing.Count > 0)
        {
            // Another component's branch brings these; until then, an unknown component must be named as such.
            var error = Assert.ThrowsAny<ConfigurationException>(() => TestConfigurations.Load(source, name));
            Assert.Contains($"unknown component \"", error.Detail);
            return;
        }

        var loaded = TestConfigurations.Load(source, name);
        Assert.Equal(file.Body.OfType<Silo.Syntax.Ast.BlockStatement>().Count(b => b.FullName is not ("logging" or "declare")), loaded.Components.Count);
    }

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void Valid_configuration_passes_validate_with_no_environment(string name)
    {
        var source = File.ReadAllText(Path.Combine(TestConfigurations.DataDirectory("valid"), name));

        Assert.Empty(ConfigurationValidator.Validate(name, source, TestConfigurations.Registry));
    }

    /// <summary>
    /// <c>// error: LINE:COLUMN: MESSAGE</c> lines at the top list every diagnostic <c>validate</c> must report, in
    /// order; <c>run</c> stops at the first. A file with a <c>// run error:</c> line instead passes <c>validate</c>
    /// (its fault needs real values) and <c>run</c>'s loader fails exactly there.
    /// </summary>
    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void Invalid_configuration_reports_every_diagnostic_with_its_position(string name)
    {
        var source = File.ReadAllText(Path.Combine(TestConfigurations.DataDirectory("invalid"), name));
        var header = source.Split('\n').TakeWhile(l => l.StartsWith("// ", StringComparison.Ordinal)).ToList();
        var expected = Markers(header, "// error: ");
        var expectedAtRun = Markers(header, "// run error: ");
        Assert.True(expected.Count + expectedAtRun.Count > 0, "the file must start with // error: or // run error: lines");

        var diagnostics = ConfigurationValidator.Validate(name, source, TestConfigurations.Registry);
        Assert.Equal(expected.Select(e => $"{name}:{e}"), diagnostics.Select(d => d.ToString()));

        var error = Assert.ThrowsAny<SyntaxException>(() => TestConfigurations.Load(source, name));
        Assert.Equal(name, error.Position.File);
        Assert.Equal(expected.Count > 0 ? expected[0] : expectedAtRun[0], $"{error.Position.Line}:{error.Position.Column}: {error.Detail}");
    }

    private static List<string> Markers(IEnumerable<string> header, string marker) =>
        header.Where(l => l.StartsWith(marker, StringComparison.Ordinal)).Select(l => l[marker.Length..].TrimEnd('\r')).ToList();
}
