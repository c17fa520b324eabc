using AlloyOrleans.Silo.Configuration.Validation;
using AlloyOrleans.Silo.Syntax;
using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Configuration.Modules;

public enum ModuleLevel
{
    /// <summary>The configuration file itself.</summary>
    Root,

    /// <summary>The body of a <c>declare</c> block.</summary>
    Declare,

    /// <summary>The top level of an imported module file: only <c>declare</c> and <c>import.*</c> blocks.</summary>
    ImportedFile,
}

/// <summary>What a module body sees from outside: the components of this build, and the enclosing declarations and namespaces.</summary>
public sealed record ModuleContext(
    ComponentRegistry Registry,
    IReadOnlyDictionary<string, Declaration> Declarations,
    IReadOnlySet<string> Namespaces,
    ModuleLevel Level)
{
    public static ModuleContext Root(ComponentRegistry registry) =>
        new(registry, new Dictionary<string, Declaration>(), new HashSet<string>(), ModuleLevel.Root);
}

/// <summary>
/// The blocks of one module body sorted by what they are: graph nodes (components, custom components, imports,
/// arguments, exports), <c>declare</c> blocks and the root settings blocks (<c>logging</c>, <c>http</c>). Structural problems — unknown names,
/// missing labels, duplicates, blocks where they are not allowed — are recorded and the block left out.
/// </summary>
public sealed class ModuleBody
{
    private ModuleBody(IReadOnlyList<ModuleNode> nodes, IReadOnlyList<Declaration> declarations, IReadOnlyDictionary<string, BlockStatement> settings, ModuleContext inner)
    {
        Nodes = nodes;
        Declarations = declarations;
        Settings = settings;
        Inner = inner;
    }

    public IReadOnlyList<ModuleNode> Nodes { get; }

    /// <summary>This body's own <c>declare</c> blocks.</summary>
    public IReadOnlyList<Declaration> Declarations { get; }

    /// <summary>The root settings blocks given, by name (<c>logging</c>, <c>http</c>).</summary>
    public IReadOnlyDictionary<string, BlockStatement> Settings { get; }

    public BlockStatement? Logging => Settings.GetValueOrDefault(ModuleBlocks.Logging);

    public BlockStatement? Http => Settings.GetValueOrDefault(ModuleBlocks.Http);

    /// <summary>What this body's nodes and nested declarations see: the enclosing scope plus this body's declarations and namespaces.</summary>
    public ModuleContext Inner { get; }

    public static ModuleBody Classify(IReadOnlyList<Statement> body, ModuleContext context, ICollection<Diagnostic> problems)
    {
        var blocks = new List<BlockStatement>();
        foreach (var statement in body)
        {
            if (statement is AttributeStatement attribute)
            {
                problems.Add(new Diagnostic(attribute.Start, context.Level == ModuleLevel.Declare
                    ? $"unrecognized attribute name \"{attribute.Name.Name}\": a declare body holds only blocks"
                    : $"unrecognized attribute name \"{attribute.Name.Name}\": only blocks are allowed at the top level"));
                continue;
            }
            blocks.Add((BlockStatement)statement);
        }

        // Declarations and namespaces first: a block may use a custom component declared further down.
        var declarations = new Dictionary<string, Declaration>(context.Declarations, StringComparer.Ordinal);
        var namespaces = new HashSet<string>(context.Namespaces, StringComparer.Ordinal);
        var own = new List<Declaration>();
        var declared = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        foreach (var block in blocks)
        {
            if (block.FullName == Declaration.BlockName && Labelled(block, problems, "declare block must have a label") && Unique($"declare.{block.Label}", block, declared, problems))
            {
                var declaration = Declaration.From(block);
                declarations[declaration.Name] = declaration;
                own.Add(declaration);
            }
            else if (ModuleBlocks.IsImport(block.FullName) && block.Label is { Length: > 0 } label)
            {
                namespaces.Add(label);
            }
        }
        var inner = context with { Declarations = declarations, Namespaces = namespaces };

        var nodes = new List<ModuleNode>();
        var settings = new Dictionary<string, BlockStatement>(StringComparer.Ordinal);
        foreach (var block in blocks)
        {
            var name = block.FullName;
            if (name == Declaration.BlockName)
            {
                continue;
            }
            if (ModuleBlocks.IsRootSettings(name))
            {
                if (context.Level != ModuleLevel.Root)
                {
                    problems.Add(new Diagnostic(block.Start, $"{name} not allowed in module"));
                }
                else if (block.Label is not null)
                {
                    problems.Add(new Diagnostic(block.LabelPosition, $"block \"{name}\" does not take a label"));
                }
                else if (settings.TryGetValue(name, out var first))
                {
                    problems.Add(new Diagnostic(block.Start, $"block \"{name}\" may only be specified once (first at {first.Start})"));
                }
                else
                {
                    settings[name] = block;
                }
                continue;
            }
            if (Classify(block, inner, problems) is { } node && Unique(node.Id, block, declared, problems))
            {
                nodes.Add(node);
            }
        }
        return new ModuleBody(nodes, own, settings, inner);
    }

    private static ModuleNode? Classify(BlockStatement block, ModuleContext context, ICollection<Diagnostic> problems)
    {
        var name = block.FullName;
        if (name is ModuleBlocks.Argument or ModuleBlocks.Export)
        {
            if (context.Level != ModuleLevel.Declare)
            {
                problems.Add(new Diagnostic(block.Start, $"{name} blocks only allowed inside a module"));
                return null;
            }
            return Labelled(block, problems, $"{name} block must have a label")
                ? new ModuleNode($"{name}.{block.Label}", block, name == ModuleBlocks.Argument ? ModuleNodeKind.Argument : ModuleNodeKind.Export)
                : null;
        }

        ModuleNode? node;
        if (context.Registry.TryGet(name, out var registration))
        {
            node = ModuleBlocks.IsImport(name)
                ? new ModuleNode(name, block, ModuleNodeKind.Import, registration, Namespace: block.Label)
                : new ModuleNode(name, block, ModuleNodeKind.Component, registration);
        }
        else if (context.Declarations.TryGetValue(name, out var declaration))
        {
            node = new ModuleNode(name, block, ModuleNodeKind.CustomComponent, Declaration: declaration);
        }
        else if (block.Name.Count >= 2 && context.Namespaces.Contains(block.Name[0]))
        {
            node = new ModuleNode(name, block, ModuleNodeKind.ImportedComponent, Namespace: block.Name[0]);
        }
        else
        {
            problems.Add(new Diagnostic(block.Start, $"unknown component \"{name}\""));
            return null;
        }
        if (context.Level == ModuleLevel.ImportedFile && node.Kind != ModuleNodeKind.Import)
        {
            problems.Add(new Diagnostic(block.Start, $"{name}: a module file holds only declare and import blocks"));
            return null;
        }
        if (!Labelled(block, problems, node.Kind == ModuleNodeKind.Import ? $"{name} block must have a label" : $"component \"{name}\" must have a label"))
        {
            return null;
        }
        return node with { Id = $"{name}.{block.Label}" };
    }

    private static bool Labelled(BlockStatement block, ICollection<Diagnostic> problems, string message)
    {
        if (!string.IsNullOrEmpty(block.Label))
        {
            return true;
        }
        problems.Add(new Diagnostic(block.Start, message));
        return false;
    }

    private static bool Unique(string id, BlockStatement block, Dictionary<string, SourcePosition> declared, ICollection<Diagnostic> problems)
    {
        if (declared.TryAdd(id, block.Start))
        {
            return true;
        }
        problems.Add(new Diagnostic(block.Start, $"component \"{id}\" already declared at {declared[id]}"));
        return false;
    }
}
