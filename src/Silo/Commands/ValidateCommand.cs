using System.Reflection;
using AlloyOrleans.Silo.Configuration;
using AlloyOrleans.Silo.Configuration.Validation;

namespace AlloyOrleans.Silo.Commands;

/// <summary>
/// <c>alloy-orleans validate FILE</c>, as <c>alloy validate</c>: a static check (<see cref="ConfigurationValidator"/>)
/// that reads neither the environment nor the network. Exit 0 when valid; otherwise prints every problem as
/// <c>file:line:column: message</c>, sorted, and exits 1.
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
        string source;
        try
        {
            source = File.ReadAllText(args[0]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{args[0]}: cannot read configuration: {e.Message}");
            return 1;
        }
        var diagnostics = ConfigurationValidator.Validate(args[0], source, ComponentRegistry.Create(extraAssemblies));
        foreach (var diagnostic in diagnostics)
        {
            error.WriteLine(diagnostic);
        }
        if (diagnostics.Count > 0)
        {
            error.WriteLine($"{args[0]}: {diagnostics.Count} error{(diagnostics.Count == 1 ? "" : "s")}");
            return 1;
        }
        output.WriteLine($"{args[0]}: valid");
        return 0;
    }
}
