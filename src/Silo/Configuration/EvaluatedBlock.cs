using AlloyOrleans.Silo.Configuration.Validation;
using AlloyOrleans.Silo.Syntax;
using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>How far a static check could evaluate an attribute.</summary>
public enum AttributeEvaluation
{
    /// <summary>The real value.</summary>
    Evaluated,

    /// <summary>Computed from other components' placeholder exports: its type is real, its value is not.</summary>
    Placeholder,

    /// <summary>Not evaluated: it reads the environment, or values whose type is unknown before run time.</summary>
    Unevaluated,
}

public sealed record EvaluatedAttribute(AttributeStatement Syntax, AlloyValue Value, AttributeEvaluation Evaluation = AttributeEvaluation.Evaluated);

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

    /// <summary>
    /// Evaluates what a static check may: constants for real, expressions over other components' exports with their
    /// placeholders (an error there is not the file's), and nothing that reads the environment. Errors in constants
    /// go to <paramref name="problems"/>.
    /// </summary>
    public static EvaluatedBlock EvaluateStatic(BlockStatement block, StaticScope scope, ICollection<Diagnostic> problems)
    {
        var attributes = new List<EvaluatedAttribute>();
        var blocks = new List<EvaluatedBlock>();
        foreach (var statement in block.Body)
        {
            switch (statement)
            {
                case AttributeStatement attribute:
                    attributes.Add(EvaluateStatic(attribute, scope, problems));
                    break;
                case BlockStatement nested:
                    blocks.Add(EvaluateStatic(nested, scope, problems));
                    break;
            }
        }
        return new EvaluatedBlock(block, attributes, blocks);
    }

    private static EvaluatedAttribute EvaluateStatic(AttributeStatement attribute, StaticScope scope, ICollection<Diagnostic> problems)
    {
        var kind = scope.Classify(attribute.Value);
        if (kind == AttributeEvaluation.Unevaluated)
        {
            return new EvaluatedAttribute(attribute, AlloyValue.Null, kind);
        }
        try
        {
            return new EvaluatedAttribute(attribute, Evaluator.Evaluate(attribute.Value, scope.Values), kind);
        }
        catch (SyntaxException e)
        {
            if (kind == AttributeEvaluation.Evaluated)
            {
                problems.Add(Diagnostic.From(e));
            }
            return new EvaluatedAttribute(attribute, AlloyValue.Null, AttributeEvaluation.Unevaluated);
        }
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
