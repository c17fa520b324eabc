using AlloyOrleans.Silo.Configuration.Validation;
using AlloyOrleans.Silo.Syntax;
using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>
/// A reference from one block to a node of its module: the node's id, and the first field read from its exports
/// (<c>targets</c> in <c>discovery.file.pods.targets</c>), or null when the whole exports object is used.
/// </summary>
public sealed record Reference(string Id, Identifier Written, Identifier? Field);

/// <summary>
/// Finds the nodes a block references. A reference is an identifier followed by field accesses whose longest
/// prefix names a node of the module (<c>discovery.file.pods</c> in <c>discovery.file.pods.targets</c>).
/// Identifiers that are neither the standard library nor a node are problems.
/// </summary>
internal static class References
{
    public static IReadOnlyList<Reference> Find(
        BlockStatement block,
        IReadOnlySet<string> ids,
        IReadOnlyDictionary<string, AlloyValue> standardLibrary,
        ICollection<Diagnostic> problems)
    {
        var found = new List<Reference>();
        foreach (var expression in Expressions(block.Body))
        {
            Visit(expression, found, ids, standardLibrary, problems);
        }
        return found;
    }

    /// <summary>The references of one expression.</summary>
    public static IReadOnlyList<Reference> Find(
        Expression expression,
        IReadOnlySet<string> ids,
        IReadOnlyDictionary<string, AlloyValue> standardLibrary,
        ICollection<Diagnostic> problems)
    {
        var found = new List<Reference>();
        Visit(expression, found, ids, standardLibrary, problems);
        return found;
    }

    /// <summary>Every attribute value of a body, nested blocks included.</summary>
    public static IEnumerable<Expression> Expressions(IReadOnlyList<Statement> body)
    {
        foreach (var statement in body)
        {
            switch (statement)
            {
                case AttributeStatement attribute:
                    yield return attribute.Value;
                    break;
                case BlockStatement nested:
                    foreach (var expression in Expressions(nested.Body))
                    {
                        yield return expression;
                    }
                    break;
            }
        }
    }

    /// <summary>Every expression under <paramref name="expression"/>, itself first.</summary>
    public static IEnumerable<Expression> Descendants(Expression expression)
    {
        yield return expression;
        foreach (var child in Children(expression).SelectMany(Descendants))
        {
            yield return child;
        }
    }

    private static void Visit(Expression expression, List<Reference> found, IReadOnlySet<string> ids, IReadOnlyDictionary<string, AlloyValue> library, ICollection<Diagnostic> problems)
    {
        if (expression is IdentifierExpression or AccessExpression && Chain(expression) is { } chain)
        {
            if (library.ContainsKey(chain[0].Name))
            {
                return;
            }
            for (var length = chain.Count; length >= 1; length--)
            {
                var id = string.Join('.', chain.Take(length).Select(c => c.Name));
                if (ids.Contains(id))
                {
                    found.Add(new Reference(id, chain[0], length < chain.Count ? chain[length] : null));
                    return;
                }
            }
            var written = string.Join('.', chain.Select(c => c.Name));
            problems.Add(new Diagnostic(chain[0].Position, chain.Count == 1
                ? $"identifier \"{written}\" does not exist"
                : $"component \"{written}\" does not exist or is out of scope"));
            return;
        }
        foreach (var child in Children(expression))
        {
            Visit(child, found, ids, library, problems);
        }
    }

    private static IEnumerable<Expression> Children(Expression expression) => expression switch
    {
        AccessExpression access => [access.Value],
        IndexExpression index => [index.Value, index.Index],
        CallExpression call => [call.Function, .. call.Arguments],
        UnaryExpression unary => [unary.Value],
        BinaryExpression binary => [binary.Left, binary.Right],
        ParenExpression paren => [paren.Inner],
        ArrayExpression array => array.Elements,
        ObjectExpression obj => obj.Fields.Select(f => f.Value),
        _ => [],
    };

    /// <summary>The identifiers of <c>a.b.c</c> when the expression is only an identifier and field accesses.</summary>
    public static List<Identifier>? Chain(Expression expression)
    {
        var names = new List<Identifier>();
        while (expression is AccessExpression access)
        {
            names.Add(access.Name);
            expression = access.Value;
        }
        if (expression is not IdentifierExpression identifier)
        {
            return null;
        }
        names.Add(identifier.Identifier);
        names.Reverse();
        return names;
    }
}
