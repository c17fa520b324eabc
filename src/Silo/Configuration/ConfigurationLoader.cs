using System.Reflection;
using AlloyOrleans.Silo.Configuration.Modules;
using AlloyOrleans.Silo.Configuration.Validation;
using AlloyOrleans.Silo.Syntax;
using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>
/// Loads a configuration file for <c>run</c>: validates it statically (the first problem is the error), then
/// evaluates every component's arguments for real — environment included — in dependency order. Every
/// problem is a <see cref="SyntaxException"/> (or <see cref="ConfigurationException"/>) with <c>file:line:column</c>.
/// Nothing is started.
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
        var file = Parser.ParseFile(fileName, source);
        standardLibrary ??= StandardLibrary.Create();
        var problems = new List<Diagnostic>();
        var body = ModuleBody.Classify(file.Body, context, problems);
        var logging = body.Logging is { } block
            ? (LoggingSettings)BlockDecoder.Decode(EvaluatedBlock.Evaluate(block, standardLibrary), typeof(LoggingSettings))
            : new LoggingSettings();

        if (body.Nodes.FirstOrDefault(n => n.Kind != ModuleNodeKind.Component) is { } module)
        {
            throw new ConfigurationException(module.Block.Start, $"{module.Block.FullName}: modules are checked by validate but cannot run yet");
        }
        var ids = body.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var definitions = body.Nodes
            .Select(n => new ComponentDefinition(n.Id, n.Block, n.Registration!, References.Find(n.Block, ids, standardLibrary, problems).Select(r => r.Id).Distinct(StringComparer.Ordinal).ToList()))
            .ToList();
        var ordered = DependencyOrder.Sort(definitions);
        TypeCheck(ordered, standardLibrary);
        return new LoadedConfiguration(file, logging, ordered, standardLibrary);
    }

    /// <summary>
    /// Evaluates and decodes every component with its references' default exports, in dependency order. A block
    /// whose function call fails on a value that references supply (<c>encoding.from_json</c> of an export that is
    /// still empty) is checked when the graph starts instead, with the real exports.
    /// </summary>
    private static void TypeCheck(IReadOnlyList<ComponentDefinition> ordered, IReadOnlyDictionary<string, AlloyValue> standardLibrary)
    {
        var exports = ordered.ToDictionary(d => d.Id, d => ValueEncoder.DefaultExports(d.Registration.ExportsType), StringComparer.Ordinal);
        var scope = ExportScope.Build(standardLibrary, exports);
        foreach (var definition in ordered)
        {
            EvaluatedBlock evaluated;
            try
            {
                evaluated = EvaluatedBlock.Evaluate(definition.Block, scope);
            }
            catch (FunctionCallException) when (definition.Dependencies.Count > 0)
            {
                continue;
            }
            BlockDecoder.Decode(evaluated, definition.Registration.ArgumentsType);
        }
    }
}
