using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>A configuration that parses but cannot run (unknown component, cycle, bad argument), with its position.</summary>
public sealed class ConfigurationException(SourcePosition position, string detail) : SyntaxException(position, detail);
