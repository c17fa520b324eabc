using AlloyOrleans.Silo.Configuration.Modules;
using AlloyOrleans.Silo.Syntax;
using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Configuration.Validation;

/// <summary>
/// Alloy's static <c>validate</c>: structure only — known components and custom components, attributes and blocks,
/// required ones present, literal types (and the types of other components' exports), references and cycles — over
/// the whole file, declare bodies included. It never reads the environment, imported files or the network, so it
/// answers the same on a laptop as inside the cluster. Every problem is reported, sorted by position.
/// </summary>
public static class ConfigurationValidator
{
    /// <summary>The standard library a static check evaluates with: no environment behind it.</summary>
    private static readonly IReadOnlyDictionary<string, AlloyValue> StaticLibrary =
        StandardLibrary.WithModulePath(StandardLibrary.Create(_ => null, hostname: ""), "");

    public static IReadOnlyList<Diagnostic> Validate(string fileName, string source, ComponentRegistry registry) =>
        Validate(fileName, source, ModuleContext.Root(registry));

    /// <summary>Validates a file at the given level (an imported module file sees its importer's declarations).</summary>
    public static IReadOnlyList<Diagnostic> Validate(string fileName, string source, ModuleContext context)
    {
        AlloyFile file;
        try
        {
            file = Parser.ParseFile(fileName, source);
        }
        catch (SyntaxException e)
        {
            return [Diagnostic.From(e)];
        }
        var problems = new List<Diagnostic>();
        ValidateBody(ModuleBody.Classify(file.Body, context, problems), problems);
        return problems.Distinct().Order().ToList();
    }

    private static void ValidateBody(ModuleBody body, List<Diagnostic> problems)
    {
        var referencable = body.Nodes.Where(n => n.Referencable).ToDictionary(n => n.Id, StringComparer.Ordinal);
        var ids = referencable.Keys.ToHashSet(StringComparer.Ordinal);
        var dependencies = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var node in body.Nodes)
        {
            var references = References.Find(node.Block, ids, StaticLibrary, problems);
            foreach (var reference in references)
            {
                if (reference.Field is { } field && referencable[reference.Id].ExportFields is { } fields && !fields.Contains(field.Name))
                {
                    problems.Add(new Diagnostic(field.Position, $"field \"{field.Name}\" does not exist"));
                }
            }
            dependencies[node.Id] = references.Select(r => r.Id).Distinct(StringComparer.Ordinal).ToList();
        }
        try
        {
            DependencyOrder.Sort(body.Nodes, n => n.Id, n => dependencies[n.Id], n => n.Block.Start);
        }
        catch (ConfigurationException e)
        {
            problems.Add(Diagnostic.From(e));
        }

        var placeholders = referencable.Values
            .Where(n => n.Kind == ModuleNodeKind.Component)
            .ToDictionary(n => n.Id, n => ValueEncoder.DefaultExports(n.Registration!.ExportsType), StringComparer.Ordinal);
        var untyped = referencable.Keys.Where(id => !placeholders.ContainsKey(id)).ToHashSet(StringComparer.Ordinal);
        var scope = new StaticScope(StaticLibrary, placeholders, untyped);
        foreach (var node in body.Nodes)
        {
            switch (node.Kind)
            {
                case ModuleNodeKind.Component or ModuleNodeKind.Import:
                    Check(node.Block, node.Registration!.ArgumentsType, scope, problems);
                    break;
                case ModuleNodeKind.Argument:
                    Check(node.Block, typeof(ArgumentBlock), scope, problems);
                    break;
                case ModuleNodeKind.Export:
                    Check(node.Block, typeof(ExportBlock), scope, problems);
                    break;
                case ModuleNodeKind.CustomComponent:
                    CheckUse(node.Block, node.Declaration!, problems);
                    break;
            }
        }
        if (body.Logging is { } logging)
        {
            Check(logging, typeof(LoggingSettings), scope, problems);
        }
        if (body.Http is { } http)
        {
            Check(http, typeof(HttpServerSettings), scope, problems);
        }
        foreach (var declaration in body.Declarations)
        {
            var context = body.Inner with { Level = ModuleLevel.Declare };
            ValidateBody(ModuleBody.Classify(declaration.Block.Body, context, problems), problems);
        }
    }

    private static void Check(BlockStatement block, Type argumentsType, StaticScope scope, List<Diagnostic> problems) =>
        BlockDecoder.Decode(EvaluatedBlock.EvaluateStatic(block, scope, problems), argumentsType, problems);

    /// <summary>A custom component's use sets only declared arguments, each once, and every required one.</summary>
    public static void CheckUse(BlockStatement use, Declaration declaration, ICollection<Diagnostic> problems)
    {
        var seen = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        foreach (var statement in use.Body)
        {
            switch (statement)
            {
                case AttributeStatement attribute when !declaration.Arguments.ContainsKey(attribute.Name.Name):
                    problems.Add(new Diagnostic(attribute.Name.Position, $"unrecognized attribute name \"{attribute.Name.Name}\" (declare \"{declaration.Name}\" has no such argument)"));
                    break;
                case AttributeStatement attribute when !seen.TryAdd(attribute.Name.Name, attribute.Name.Position):
                    problems.Add(new Diagnostic(attribute.Name.Position, $"attribute \"{attribute.Name.Name}\" may only be set once (first set at {seen[attribute.Name.Name]})"));
                    break;
                case BlockStatement nested:
                    problems.Add(new Diagnostic(nested.NamePosition, $"unrecognized block name \"{nested.FullName}\""));
                    break;
            }
        }
        foreach (var (name, optional) in declaration.Arguments)
        {
            if (!optional && !seen.ContainsKey(name))
            {
                problems.Add(new Diagnostic(use.NamePosition, $"missing required attribute \"{name}\""));
            }
        }
    }
}
