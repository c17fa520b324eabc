using AlloyOrleans.Silo.Syntax;
using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>
/// Finds the components a block references. A reference is an identifier followed by field accesses whose longest
/// prefix names a declared component (<c>discovery.file.pods</c> in <c>discovery.file.pods.targets</c>).
/// Identifiers that are neither the standard library nor a component are errors.
/// </summary>
internal static class References
{
    public static IReadOnlyList<string> Find(BlockStatement block, IReadOnlySet<string> componentIds, IReadOnlyDictionary<string, AlloyValue> standardLibrary)
    {
        var found = new List<string>();
        Visit(block.Body, found, componentIds, standardLibrary);
        return found.Distinct(StringComparer.Ordinal).ToList();
    }

    private static void Visit(IReadOnlyList<Statement> body, List<string> found, IReadOnlySet<string> ids, IReadOnlyDictionary<string, AlloyValue> library)
    {
        foreach (var statement in body)
        {
            switch (statement)
            {
                case AttributeStatement attribute:
                    Visit(attribute.Value, found, ids, library);
                    break;
                case BlockStatement nested:
                    Visit(nested.Body, found, ids, library);
                    break;
            }
        }
    }

    private static void Visit(Expression expression, List<string> found, IReadOnlySet<string> ids, IReadOnlyDictionary<string, AlloyValue> library)
    {
        switch (expression)
        {
            case IdentifierExpression or AccessExpression when Chain(expression) is { } chain:
                if (library.ContainsKey(chain[0].Name))
                {
                    return;
                }
                for (var length = chain.Count; length >= 1; length--)
                {
                    var id = string.Join('.', chain.Take(length).Select(c => c.Name));
                    if (ids.Contains(id))
                    {
                        found.Add(id);
                        return;
                    }
                }
                var written = string.Join('.', chain.Select(c => c.Name));
                throw new ConfigurationException(chain[0].Position, chain.Count == 1
                    ? $"identifier \"{written}\" does not exist"
                    : $"component \"{written}\" does not exist or is out of scope");
            case AccessExpression access:
                Visit(access.Value, found, ids, library);
                break;
            case IndexExpression index:
                Visit(index.Value, found, ids, library);
                Visit(index.Index, found, ids, library);
                break;
            case CallExpression call:
                Visit(call.Function, found, ids, library);
                foreach (var argument in call.Arguments)
                {
                    Visit(argument, found, ids, library);
                }
                break;
            case UnaryExpression unary:
                Visit(unary.Value, found, ids, library);
                break;
            case BinaryExpression binary:
                Visit(binary.Left, found, ids, library);
                Visit(binary.Right, found, ids, library);
                break;
            case ParenExpression paren:
                Visit(paren.Inner, found, ids, library);
                break;
            case ArrayExpression array:
                foreach (var element in array.Elements)
                {
                    Visit(element, found, ids, library);
                }
                break;
            case ObjectExpression obj:
                foreach (var field in obj.Fields)
                {
                    Visit(field.Value, found, ids, library);
                }
                break;
        }
    }

    /// <summary>The identifiers of <c>a.b.c</c> when the expression is only an identifier and field accesses.</summary>
    private static List<Identifier>? Chain(Expression expression)
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
