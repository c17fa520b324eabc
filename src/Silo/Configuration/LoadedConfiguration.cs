using AlloyOrleans.Silo.Syntax;
using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>A parsed, resolved and type-checked configuration: components in dependency order, ready to start.</summary>
public sealed record LoadedConfiguration(
    AlloyFile Syntax,
    LoggingSettings Logging,
    IReadOnlyList<ComponentDefinition> Components,
    IReadOnlyDictionary<string, AlloyValue> StandardLibrary)
{
    /// <summary>The top-level <c>http</c> block (TLS of the HTTP server).</summary>
    public HttpServerSettings HttpServer { get; init; } = new();
}
