using System.Reflection;
using AlloyOrleans.Silo.Configuration.Modules;
using AlloyOrleans.Silo.Configuration.Validation;
using AlloyOrleans.Silo.Syntax;
using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>
/// Loads a configuration file for <c>run</c>: validates it statically (every problem, as
/// <see cref="InvalidConfigurationException"/>), then evaluates every component's arguments for real — environment
/// included — in dependency order. Module bodies (a custom component's declare) load the same way when the
/// component starts. Nothing is started here.
/// </summary>
public static class ConfigurationLoader
{
    public static LoadedConfiguration Load(string path, IEnumerable<Assembly>? extraAssemblies = null)
    {
        string source;
        try
        {
            source = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException(new SourcePosition(path, 1, 1), $"cannot read configuration: {e.Message}");
        }
        return Load(path, source, ComponentRegistry.Create(extraAssemblies));
    }

    public static LoadedConfiguration Load(string fileName, string source, ComponentRegistry registry, IReadOnlyDictionary<string, AlloyValue>? standardLibrary = null)
    {
        var context = ModuleContext.Root(registry);
        if (ConfigurationValidator.Validate(fileName, source, context) is { Count: > 0 } diagnostics)
        {
            throw new InvalidConfigurationException(diagnostics);
        }
        // module_path: the configuration's own directory, so imports can name files next to it.
        var library = StandardLibrary.WithModulePath(standardLibrary ?? StandardLibrary.Create(), Path.GetDirectoryName(Path.GetFullPath(fileName)) ?? ".");
        return LoadBody(Parser.ParseFile(fileName, source).Body, context, library, new Dictionary<string, ImportedModule>());
    }

    /// <summary>
    /// Loads one module body that already passed the static check: classifies its blocks, finds each node's
    /// dependencies (a custom component also depends on the imports of its module, whose content it is built
    /// from), orders them and type-checks the built-in components with real values.
    /// </summary>
    public static LoadedConfiguration LoadBody(
        IReadOnlyList<Statement> statements,
        ModuleContext context,
        IReadOnlyDictionary<string, AlloyValue> standardLibrary,
        IReadOnlyDictionary<string, ImportedModule> imports)
    {
        var problems = new List<Diagnostic>();
        var body = ModuleBody.Classify(statements, context, problems);
        if (problems.Count > 0)
        {
            throw new InvalidConfigurationException(problems.Order().ToList());
        }
        var logging = body.Logging is { } block
            ? (LoggingSettings)BlockDecoder.Decode(EvaluatedBlock.Evaluate(block, standardLibrary), typeof(LoggingSettings))
            : new LoggingSettings();
        var http = body.Http is { } httpBlock
            ? (HttpServerSettings)BlockDecoder.Decode(EvaluatedBlock.Evaluate(httpBlock, standardLibrary), typeof(HttpServerSettings))
            : new HttpServerSettings();

        var ids = body.Nodes.Where(n => n.Referencable).Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var importIds = body.Nodes.Where(n => n.Kind == ModuleNodeKind.Import).Select(n => n.Id).ToList();
        var definitions = body.Nodes
            .Select(n =>
            {
                var references = References.Find(n.Block, ids, standardLibrary, problems).Select(r => r.Id);
                if (n.Kind is ModuleNodeKind.CustomComponent or ModuleNodeKind.ImportedComponent)
                {
                    references = references.Concat(importIds);
                }
                return new ComponentDefinition(n, references.Distinct(StringComparer.Ordinal).ToList());
            })
            .ToList();
        if (problems.Count > 0)
        {
            throw new InvalidConfigurationException(problems.Order().ToList());
        }
        var ordered = DependencyOrder.Sort(definitions);
        TypeCheck(ordered, standardLibrary);
        return new LoadedConfiguration(logging, ordered, standardLibrary, body.Inner, imports) { HttpServer = http };
    }

    /// <summary>
    /// Evaluates and decodes every built-in component with its references' default exports, in dependency order.
    /// A block whose evaluation fails on a value that references supply (<c>encoding.from_json</c> of an export that
    /// is still empty, a module argument) is checked when the graph starts instead, with the real values.
    /// </summary>
    private static void TypeCheck(IReadOnlyList<ComponentDefinition> ordered, IReadOnlyDictionary<string, AlloyValue> standardLibrary)
    {
        var exports = ordered.ToDictionary(d => d.Id, d => ValueEncoder.DefaultExports(d.Registration?.ExportsType), StringComparer.Ordinal);
        var scope = ExportScope.Build(standardLibrary, exports);
        foreach (var definition in ordered.Where(d => d.Node.Kind == ModuleNodeKind.Component))
        {
            EvaluatedBlock evaluated;
            try
            {
                evaluated = EvaluatedBlock.Evaluate(definition.Block, scope);
            }
            catch (SyntaxException) when (definition.Dependencies.Count > 0)
            {
                continue;
            }
            BlockDecoder.Decode(evaluated, definition.Registration!.ArgumentsType);
        }
    }
}
