using AlloyOrleans.Silo.Syntax;
using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Configuration.Modules;

/// <summary>
/// A custom component from a <c>declare "name" { … }</c> block: its body, the arguments its users set (and which of
/// them are optional) and the names it exports. <see cref="Scope"/> is what the body sees besides its own blocks:
/// the declarations and import namespaces of the enclosing module (Alloy's lexical scoping).
/// </summary>
public sealed record Declaration(string Name, BlockStatement Block, IReadOnlyDictionary<string, bool> Arguments, IReadOnlySet<string> Exports)
{
    public const string BlockName = "declare";

    public static Declaration From(BlockStatement declare)
    {
        var arguments = new Dictionary<string, bool>(StringComparer.Ordinal);
        var exports = new HashSet<string>(StringComparer.Ordinal);
        foreach (var block in declare.Body.OfType<BlockStatement>())
        {
            if (block.Label is null)
            {
                continue;
            }
            if (block.FullName == ModuleBlocks.Argument)
            {
                arguments.TryAdd(block.Label, IsOptional(block));
            }
            else if (block.FullName == ModuleBlocks.Export)
            {
                exports.Add(block.Label);
            }
        }
        return new Declaration(declare.Label ?? "", declare, arguments, exports);
    }

    /// <summary><c>optional = true</c>, written as a literal (anything else is a type error reported by the checker).</summary>
    private static bool IsOptional(BlockStatement argument) =>
        argument.Body.OfType<AttributeStatement>().Any(a => a.Name.Name == "optional" && a.Value is LiteralExpression { Kind: TokenKind.Bool, Text: "true" });
}
