using AlloyOrleans.Silo.Configuration.Validation;
using AlloyOrleans.Silo.Syntax;
using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Configuration.Modules;

/// <summary>
/// What an <c>import.*</c> block delivered: one or more module files (a directory gives several), checked as
/// module files, with their declarations and their own imports (nested imports run inside each custom component
/// that comes from here). <see cref="Key"/> changes exactly when the sources do.
/// </summary>
/// <param name="Directory">The module's own directory (its <c>module_path</c>) when it came from a file; else null,
/// and it keeps its importer's.</param>
public sealed record ImportedModule(string Key, ModuleContext Context, IReadOnlyList<BlockStatement> Imports, string? Directory = null)
{
    /// <summary>Equal for equal sources.</summary>
    public static string KeyOf(IReadOnlyDictionary<string, string> sources) =>
        string.Join("\0", sources.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}\0{s.Value}"));

    /// <param name="sources">File name (for positions in errors) to content.</param>
    public static ImportedModule Parse(IReadOnlyDictionary<string, string> sources, ComponentRegistry registry, string? directory = null)
    {
        var declarations = new Dictionary<string, Declaration>(StringComparer.Ordinal);
        var namespaces = new HashSet<string>(StringComparer.Ordinal);
        var imports = new List<BlockStatement>();
        var context = new ModuleContext(registry, new Dictionary<string, Declaration>(), new HashSet<string>(), ModuleLevel.ImportedFile);
        foreach (var (name, source) in sources.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (ConfigurationValidator.Validate(name, source, context) is { Count: > 0 } diagnostics)
            {
                throw new InvalidConfigurationException(diagnostics);
            }
            var body = ModuleBody.Classify(Parser.ParseFile(name, source).Body, context, new List<Diagnostic>());
            foreach (var declaration in body.Declarations)
            {
                declarations[declaration.Name] = declaration;
            }
            namespaces.UnionWith(body.Inner.Namespaces);
            imports.AddRange(body.Nodes.Where(n => n.Kind == ModuleNodeKind.Import).Select(n => n.Block));
        }
        return new ImportedModule(KeyOf(sources), new ModuleContext(registry, declarations, namespaces, ModuleLevel.Declare), imports, directory);
    }
}
