using AlloyOrleans.Silo.Configuration.Validation;
using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>A configuration that parses but cannot run (unknown component, cycle, bad argument), with its position.</summary>
public class ConfigurationException(SourcePosition position, string detail) : SyntaxException(position, detail);

/// <summary>A configuration the static check rejects: every problem, sorted; the exception itself is the first.</summary>
public sealed class InvalidConfigurationException(IReadOnlyList<Diagnostic> diagnostics)
    : ConfigurationException(diagnostics[0].Position, diagnostics[0].Message)
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;
}
