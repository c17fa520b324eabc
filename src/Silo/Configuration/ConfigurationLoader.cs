using System.Reflection;
using AlloyOrleans.Silo.Syntax;
using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>
/// Loads a configuration file: parses it, finds each block's component, resolves references between components,
/// orders them by dependency, and type-checks every component's arguments against placeholder exports. Every
/// problem is a <see cref="SyntaxException"/> (or <see cref="ConfigurationException"/>) with <c>file:line:column</c>.
/// Nothing is started.
/// </summary>
public static class ConfigurationLoader
{
    private const string LoggingBlock = "logging";
    private const string HttpBlock = "http";

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
        var file = Parser.ParseFile(fileName, source);
        standardLibrary ??= StandardLibrary.Create();
        LoggingSettings? logging = null;
        var blocks = new List<(string Id, BlockStatement Block, ComponentRegistration Registration)>();
        var declared = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        HttpServerSettings? http = null;

        foreach (var statement in file.Body)
        {
            if (statement is AttributeStatement attribute)
            {
                throw new ConfigurationException(attribute.Start, $"unrecognized attribute name \"{attribute.Name.Name}\": only blocks are allowed at the top level");
            }
            var block = (BlockStatement)statement;
            var name = block.FullName;
            if (name == LoggingBlock)
            {
                logging = DecodeSettingsBlock<LoggingSettings>(block, logging is not null, standardLibrary);
                continue;
            }
            if (name == HttpBlock)
            {
                http = DecodeSettingsBlock<HttpServerSettings>(block, http is not null, standardLibrary);
                continue;
            }
            if (!registry.TryGet(name, out var registration))
            {
                throw new ConfigurationException(block.Start, $"unknown component \"{name}\"");
            }
            if (string.IsNullOrEmpty(block.Label))
            {
                throw new ConfigurationException(block.Start, $"component \"{name}\" must have a label");
            }
            var id = $"{name}.{block.Label}";
            if (!declared.TryAdd(id, block.Start))
            {
                throw new ConfigurationException(block.Start, $"component \"{id}\" already declared at {declared[id]}");
            }
            blocks.Add((id, block, registration));
        }

        var ids = blocks.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        var definitions = blocks
            .Select(b => new ComponentDefinition(b.Id, b.Block, b.Registration, References.Find(b.Block, ids, standardLibrary)))
            .ToList();
        var ordered = DependencyOrder.Sort(definitions);
        TypeCheck(ordered, standardLibrary);
        return new LoadedConfiguration(file, logging ?? new LoggingSettings(), ordered, standardLibrary) { HttpServer = http ?? new HttpServerSettings() };
    }

    /// <summary>A top-level settings block (<c>logging</c>, <c>http</c>): no label, at most once.</summary>
    private static T DecodeSettingsBlock<T>(BlockStatement block, bool seen, IReadOnlyDictionary<string, AlloyValue> standardLibrary)
    {
        if (block.Label is not null)
        {
            throw new ConfigurationException(block.LabelPosition, $"block \"{block.FullName}\" does not take a label");
        }
        if (seen)
        {
            throw new ConfigurationException(block.Start, $"block \"{block.FullName}\" may only be specified once");
        }
        return (T)BlockDecoder.Decode(EvaluatedBlock.Evaluate(block, standardLibrary), typeof(T));
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
