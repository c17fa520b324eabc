using AlloyOrleans.Silo.Syntax;
using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Configuration;

public sealed record EvaluatedAttribute(AttributeStatement Syntax, AlloyValue Value);

/// <summary>
/// A block with its attribute expressions evaluated, nested blocks included. Comparing two of them tells whether a
/// re-evaluation changed anything, so components are only updated when their arguments really changed.
/// </summary>
public sealed record EvaluatedBlock(BlockStatement Syntax, IReadOnlyList<EvaluatedAttribute> Attributes, IReadOnlyList<EvaluatedBlock> Blocks)
{
    public static EvaluatedBlock Evaluate(BlockStatement block, IReadOnlyDictionary<string, AlloyValue> scope)
    {
        var attributes = new List<EvaluatedAttribute>();
        var blocks = new List<EvaluatedBlock>();
        foreach (var statement in block.Body)
        {
            switch (statement)
            {
                case AttributeStatement attribute:
                    attributes.Add(new EvaluatedAttribute(attribute, Evaluator.Evaluate(attribute.Value, scope)));
                    break;
                case BlockStatement nested:
                    blocks.Add(Evaluate(nested, scope));
                    break;
            }
        }
        return new EvaluatedBlock(block, attributes, blocks);
    }

    public bool SameValues(EvaluatedBlock? other)
    {
        if (other is null || other.Attributes.Count != Attributes.Count || other.Blocks.Count != Blocks.Count)
        {
            return false;
        }
        for (var i = 0; i < Attributes.Count; i++)
        {
            if (Attributes[i].Syntax.Name.Name != other.Attributes[i].Syntax.Name.Name || !Attributes[i].Value.Equals(other.Attributes[i].Value))
            {
                return false;
            }
        }
        for (var i = 0; i < Blocks.Count; i++)
        {
            if (Blocks[i].Syntax.FullName != other.Blocks[i].Syntax.FullName || !Blocks[i].SameValues(other.Blocks[i]))
            {
                return false;
            }
        }
        return true;
    }
}
