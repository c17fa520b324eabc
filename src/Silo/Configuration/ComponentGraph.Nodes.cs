using AlloyOrleans.Grains.Components;
using AlloyOrleans.Silo.Configuration.Modules;
using AlloyOrleans.Silo.Configuration.Validation;
using AlloyOrleans.Silo.Syntax;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>How each kind of node starts and what it publishes: components, custom components, arguments and exports.</summary>
public sealed partial class ComponentGraph
{
    private readonly Dictionary<string, ImportedModule> _importedModules = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, AlloyValue> _arguments = module?.Arguments ?? new Dictionary<string, AlloyValue>();

    /// <summary>New argument values from the custom component that runs this module; dependents re-evaluate.</summary>
    public Task SetArgumentsAsync(IReadOnlyDictionary<string, AlloyValue> arguments, CancellationToken cancellationToken)
    {
        _arguments = arguments;
        foreach (var node in _nodes.Values.Where(n => n.Definition.Node.Kind == ModuleNodeKind.Argument))
        {
            PublishArgument(node);
        }
        return Task.CompletedTask;
    }

    private string GlobalId(string id) => (module?.IdPrefix ?? "") + id;

    private async Task StartNodeAsync(Node node, IServiceProvider services, ILoggerFactory loggerFactory, string storagePath, CancellationToken cancellationToken)
    {
        var definition = node.Definition;
        var id = GlobalId(definition.Id);
        var host = new ComponentHost(id, Path.Combine(storagePath, id), loggerFactory.CreateLogger(id), (_, exports) => Publish(definition.Id, exports));
        try
        {
            switch (definition.Node.Kind)
            {
                case ModuleNodeKind.Argument:
                    PublishArgument(node);
                    return;
                case ModuleNodeKind.Export:
                    PublishExport(node);
                    return;
                case ModuleNodeKind.CustomComponent or ModuleNodeKind.ImportedComponent:
                    var instance = InstanceArguments(node, out var block);
                    node.Component = new ModuleInstance(host, services, storagePath);
                    node.LastEvaluated = block;
                    node.LastKey = instance.Key;
                    await node.Component.UpdateAsync(instance, cancellationToken).ConfigureAwait(false);
                    return;
                default:
                    var evaluated = EvaluatedBlock.Evaluate(definition.Block, Scope());
                    var arguments = BlockDecoder.Decode(evaluated, definition.Registration!.ArgumentsType);
                    node.Component = (IComponent)ActivatorUtilities.CreateInstance(services, definition.Registration.ComponentType, host);
                    node.LastEvaluated = evaluated;
                    await node.Component.UpdateAsync(arguments, cancellationToken).ConfigureAwait(false);
                    return;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException and not SyntaxException)
        {
            throw new ConfigurationException(definition.Block.Start, $"component \"{id}\" failed to start: {e.Message}");
        }
    }

    private static AlloyValue InitialExports(ModuleNode node) => node.Kind switch
    {
        ModuleNodeKind.Argument => AlloyValue.Object(new Dictionary<string, AlloyValue> { ["value"] = AlloyValue.Null }),
        ModuleNodeKind.CustomComponent => AlloyValue.Object(node.Declaration!.Exports.ToDictionary(e => e, _ => AlloyValue.Null, StringComparer.Ordinal)),
        ModuleNodeKind.ImportedComponent or ModuleNodeKind.Export => AlloyValue.Object(new Dictionary<string, AlloyValue>()),
        _ => ValueEncoder.DefaultExports(node.Registration!.ExportsType),
    };

    /// <summary>An argument's value: what the custom component's user set, else the declared default (else null).</summary>
    private void PublishArgument(Node node)
    {
        var block = node.Definition.Block;
        if (!_arguments.TryGetValue(block.Label!, out var value))
        {
            var declared = (ArgumentBlock)BlockDecoder.Decode(EvaluatedBlock.Evaluate(block, Scope()), typeof(ArgumentBlock));
            value = declared.Default as AlloyValue ?? AlloyValue.Null;
        }
        Publish(node.Definition.Id, AlloyValue.Object(new Dictionary<string, AlloyValue> { ["value"] = value }));
    }

    private void PublishExport(Node node)
    {
        var evaluated = EvaluatedBlock.Evaluate(node.Definition.Block, Scope());
        if (evaluated.SameValues(node.LastEvaluated))
        {
            return;
        }
        var export = (ExportBlock)BlockDecoder.Decode(evaluated, typeof(ExportBlock));
        node.LastEvaluated = evaluated;
        module?.Export(node.Definition.Block.Label!, export.Value as AlloyValue ?? AlloyValue.Null);
    }

    /// <summary>
    /// A custom component's arguments: its use's attributes evaluated here, and its body — a declaration of this
    /// module or of an enclosing one, or one from an import namespace as that import currently delivers it.
    /// </summary>
    private ModuleInstanceArguments InstanceArguments(Node node, out EvaluatedBlock evaluated)
    {
        var definition = node.Definition.Node;
        evaluated = EvaluatedBlock.Evaluate(definition.Block, Scope());
        var values = evaluated.Attributes.ToDictionary(a => a.Syntax.Name.Name, a => a.Value, StringComparer.Ordinal);
        var imports = CurrentImports();
        var importsKey = string.Join("\0\0", imports.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => i.Value.Key));

        var library = Configuration.StandardLibrary;
        Declaration declaration;
        ModuleContext context;
        IReadOnlyList<Syntax.Ast.Statement> statements;
        if (definition.Kind == ModuleNodeKind.CustomComponent)
        {
            declaration = definition.Declaration!;
            context = Configuration.Context with { Level = ModuleLevel.Declare };
            statements = declaration.Block.Body;
        }
        else
        {
            var name = definition.Block.FullName[(definition.Namespace!.Length + 1)..];
            if (!imports.TryGetValue(definition.Namespace, out var imported))
            {
                throw new ConfigurationException(definition.Block.Start, $"import namespace \"{definition.Namespace}\" has not delivered a module yet");
            }
            if (!imported.Context.Declarations.TryGetValue(name, out declaration!))
            {
                throw new ConfigurationException(definition.Block.Start, $"module \"{definition.Namespace}\" declares no component \"{name}\" (it declares: {string.Join(", ", imported.Context.Declarations.Keys.Order(StringComparer.Ordinal))})");
            }
            context = imported.Context;
            statements = [.. imported.Imports, .. declaration.Block.Body];
            if (imported.Directory is { } directory)
            {
                library = StandardLibrary.WithModulePath(library, directory);
            }
        }
        var problems = new List<Diagnostic>();
        ConfigurationValidator.CheckUse(definition.Block, declaration, problems);
        if (problems.Count > 0)
        {
            throw new InvalidConfigurationException(problems.Order().ToList());
        }
        return new ModuleInstanceArguments(values, (declaration, importsKey), () => ConfigurationLoader.LoadBody(statements, context, library, imports));
    }

    /// <summary>The import namespaces visible here: the enclosing modules', and this module's imports as they last published.</summary>
    private Dictionary<string, ImportedModule> CurrentImports()
    {
        var imports = new Dictionary<string, ImportedModule>(Configuration.Imports, StringComparer.Ordinal);
        foreach (var node in _nodes.Values.Where(n => n.Definition.Node.Kind == ModuleNodeKind.Import))
        {
            var id = node.Definition.Id;
            var sources = GetExports(id).AsObject().TryGetValue("sources", out var value) && value.Kind == ValueKind.Object
                ? value.AsObject().ToDictionary(s => s.Key, s => s.Value.AsString(), StringComparer.Ordinal)
                : [];
            lock (_importedModules)
            {
                var key = ImportedModule.KeyOf(sources);
                if (!_importedModules.TryGetValue(id, out var imported) || imported.Key != key)
                {
                    // A file's module sees its own directory as module_path; a string's or a URL's keeps the importer's.
                    var directory = node.Definition.Node.Registration?.Name == ModuleBlocks.ImportFile && sources.Count > 0
                        ? Path.GetDirectoryName(Path.GetFullPath(sources.Keys.Order(StringComparer.Ordinal).First()))
                        : null;
                    imported = ImportedModule.Parse(sources, Configuration.Context.Registry, directory);
                    _importedModules[id] = imported;
                }
                imports[node.Definition.Node.Namespace!] = imported;
            }
        }
        return imports;
    }
}
