using System.Reflection;
using AlloyOrleans.Silo.Configuration;
using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Silo.Commands;

/// <summary>
/// <c>alloy-orleans validate FILE</c>: parses the file, resolves component references and type-checks every
/// component's arguments without starting anything. Exit 0 when valid; otherwise prints
/// <c>file:line:column: message</c> and exits 1.
/// </summary>
public static class ValidateCommand
{
    public const string Usage = "usage: alloy-orleans validate FILE";

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error) => Run(args, output, error, []);

    /// <param name="extraAssemblies">More assemblies to find components in (tests).</param>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, IEnumerable<Assembly> extraAssemblies)
    {
        if (args.Count != 1 || args[0].StartsWith('-'))
        {
            error.WriteLine(Usage);
            return 1;
        }
        try
        {
            var loaded = ConfigurationLoader.Load(args[0], extraAssemblies);
            output.WriteLine($"{args[0]}: valid ({loaded.Components.Count} component{(loaded.Components.Count == 1 ? "" : "s")})");
            return 0;
        }
        catch (SyntaxException e)
        {
            error.WriteLine(e.Message);
            return 1;
        }
    }
}
