using AlloyOrleans.Silo.Syntax;
using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Configuration.Validation;

/// <summary>
/// What a static check may evaluate in one module: the pure standard library, and placeholders for the exports of
/// the components whose exports have a known type. Anything that reads the environment (<c>sys.env</c>,
/// <c>constants.hostname</c>) or a value typed only at run time (module arguments, custom components' exports) is
/// left unevaluated, so <c>validate</c> gives the same answer on every machine.
/// </summary>
public sealed class StaticScope
{
    /// <summary>Standard-library names whose values depend on the machine or process.</summary>
    private static readonly HashSet<string> EnvironmentNames = new(StringComparer.Ordinal) { "sys", "env", "constants", StandardLibrary.ModulePath };

    private readonly IReadOnlySet<string> _ids;
    private readonly IReadOnlySet<string> _untyped;
    private readonly IReadOnlyDictionary<string, AlloyValue> _library;

    /// <param name="placeholders">The placeholder exports of every node with typed exports.</param>
    /// <param name="untyped">Nodes that can be referenced but whose exports have no static type.</param>
    public StaticScope(IReadOnlyDictionary<string, AlloyValue> library, IReadOnlyDictionary<string, AlloyValue> placeholders, IReadOnlySet<string> untyped)
    {
        _library = library;
        _untyped = untyped;
        _ids = placeholders.Keys.Concat(untyped).ToHashSet(StringComparer.Ordinal);
        Values = ExportScope.Build(library, placeholders);
    }

    public IReadOnlyDictionary<string, AlloyValue> Values { get; }

    public AttributeEvaluation Classify(Expression expression)
    {
        var unresolved = new List<Diagnostic>();
        var references = References.Find(expression, _ids, _library, unresolved);
        var readsEnvironment = References.Descendants(expression)
            .OfType<IdentifierExpression>()
            .Any(i => EnvironmentNames.Contains(i.Identifier.Name));
        if (readsEnvironment || unresolved.Count > 0 || references.Any(r => _untyped.Contains(r.Id)))
        {
            return AttributeEvaluation.Unevaluated;
        }
        return references.Count > 0 ? AttributeEvaluation.Placeholder : AttributeEvaluation.Evaluated;
    }
}
