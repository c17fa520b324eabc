using AlloyOrleans.Silo.Configuration.Modules;
using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>
/// A parsed, resolved and type-checked module body — the configuration file itself, or a custom component's
/// declare body — with its nodes in dependency order, ready to start. <see cref="Imports"/> are the import
/// namespaces its custom components may come from that enclosing modules already fetched.
/// </summary>
public sealed record LoadedConfiguration(
    LoggingSettings Logging,
    IReadOnlyList<ComponentDefinition> Components,
    IReadOnlyDictionary<string, AlloyValue> StandardLibrary,
    ModuleContext Context,
    IReadOnlyDictionary<string, ImportedModule> Imports)
{
    /// <summary>The top-level <c>http</c> block (TLS of the HTTP server).</summary>
    public HttpServerSettings HttpServer { get; init; } = new();
}
