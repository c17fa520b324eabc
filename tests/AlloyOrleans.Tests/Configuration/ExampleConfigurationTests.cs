using AlloyOrleans.Silo.Configuration;
using AlloyOrleans.Silo.Syntax;
using Xunit;

namespace AlloyOrleans.Tests.Configuration;

/// <summary>The configurations the README and deploy/ hand to users load as they are and are already formatted.</summary>
public sealed class ExampleConfigurationTests
{
    internal static readonly string Root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    public static TheoryData<string> Files() =>
        [.. new[] { "examples", "deploy" }.SelectMany(folder => Directory.GetFiles(Path.Combine(Root, folder), "*.alloy")).Select(f => Path.GetRelativePath(Root, f))];

    [Theory]
    [MemberData(nameof(Files))]
    public void Loads_and_is_canonically_formatted(string file)
    {
        var path = Path.Combine(Root, file);
        var loaded = ConfigurationLoader.Load(path);
        Assert.NotEmpty(loaded.Components);
        var source = File.ReadAllText(path);
        Assert.Equal(source, Formatter.Format(Parser.ParseFile(path, source)));
    }
}
