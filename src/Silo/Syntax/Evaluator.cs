using AlloyOrleans.Silo.Syntax.Ast;

namespace AlloyOrleans.Silo.Syntax;

/// <summary>
/// Evaluates expressions against a scope of named values (the standard library's namespaces and the components'
/// exports, nested by name fragment). Errors carry the position of the sub-expression at fault.
/// </summary>
public static class Evaluator
{
    public static AlloyValue Evaluate(Expression expression, IReadOnlyDictionary<string, AlloyValue> scope)
    {
        switch (expression)
        {
            case LiteralExpression literal:
                return EvaluateLiteral(literal);
            case IdentifierExpression identifier:
                return scope.TryGetValue(identifier.Identifier.Name, out var value)
                    ? value
                    : throw new SyntaxException(identifier.Start, $"identifier \"{identifier.Identifier.Name}\" does not exist");
            case ParenExpression paren:
                return Evaluate(paren.Inner, scope);
            case ArrayExpression array:
                return AlloyValue.Array(array.Elements.Select(e => Evaluate(e, scope)).ToArray());
            case ObjectExpression obj:
                var fields = new OrderedDictionary<string, AlloyValue>(StringComparer.Ordinal);
                foreach (var field in obj.Fields)
                {
                    if (!fields.TryAdd(field.Name.Name, Evaluate(field.Value, scope)))
                    {
                        throw new SyntaxException(field.Name.Position, $"field \"{field.Name.Name}\" is defined more than once");
                    }
                }
                return AlloyValue.Object(fields);
            case AccessExpression access:
                return EvaluateAccess(access, scope);
            case IndexExpression index:
                return EvaluateIndex(index, scope);
            case CallExpression call:
                return EvaluateCall(call, scope);
            case UnaryExpression unary:
                return EvaluateUnary(unary, scope);
            case BinaryExpression binary:
                return EvaluateBinary(binary, scope);
            default:
                throw new SyntaxException(expression.Start, $"unsupported expression {expression.GetType().Name}");
        }
    }

    private static AlloyValue EvaluateLiteral(LiteralExpression literal)
    {
        switch (literal.Kind)
        {
            case TokenKind.String:
                return AlloyValue.String(StringLiteral.Unquote(literal.Text));
            case TokenKind.Bool:
                return AlloyValue.Bool(literal.Text == "true");
            case TokenKind.Null:
                return AlloyValue.Null;
            case TokenKind.Number:
                return long.TryParse(literal.Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var integer)
                    ? AlloyValue.Int(integer)
                    : AlloyValue.Float(double.Parse(literal.Text, System.Globalization.CultureInfo.InvariantCulture));
            default:
                return AlloyValue.Float(double.Parse(literal.Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static AlloyValue EvaluateAccess(AccessExpression access, IReadOnlyDictionary<string, AlloyValue> scope)
    {
        var target = Evaluate(access.Value, scope);
        if (target.Kind != ValueKind.Object)
        {
            throw new SyntaxException(access.Value.Start, $"field access on {target.Kind.Describe()}: expected object");
        }
        return target.AsObject().TryGetValue(access.Name.Name, out var value)
            ? value
            : throw new SyntaxException(access.Name.Position, $"field \"{access.Name.Name}\" does not exist");
    }

    private static AlloyValue EvaluateIndex(IndexExpression index, IReadOnlyDictionary<string, AlloyValue> scope)
    {
        var target = Evaluate(index.Value, scope);
        var key = Evaluate(index.Index, scope);
        switch (target.Kind)
        {
            case ValueKind.Array:
                if (key.Kind != ValueKind.Number || !key.IsInteger)
                {
                    throw new SyntaxException(index.Index.Start, $"array index must be an integer, got {key.Kind.Describe()}");
                }
                var elements = target.AsArray();
                var position = key.AsInt();
                return position >= 0 && position < elements.Count
                    ? elements[(int)position]
                    : throw new SyntaxException(index.Index.Start, $"index {position} is out of range [0, {elements.Count})");
            case ValueKind.Object:
                if (key.Kind != ValueKind.String)
                {
                    throw new SyntaxException(index.Index.Start, $"object key must be a string, got {key.Kind.Describe()}");
                }
                // Like Alloy, a missing key reads as null rather than failing.
                return target.AsObject().TryGetValue(key.AsString(), out var value) ? value : AlloyValue.Null;
            default:
                throw new SyntaxException(index.Value.Start, $"cannot index {target.Kind.Describe()}: expected array or object");
        }
    }

    private static AlloyValue EvaluateCall(CallExpression call, IReadOnlyDictionary<string, AlloyValue> scope)
    {
        var function = Evaluate(call.Function, scope);
        if (function.Kind != ValueKind.Function)
        {
            throw new SyntaxException(call.Function.Start, $"cannot call {function.Kind.Describe()}: expected function");
        }
        var arguments = call.Arguments.Select(a => Evaluate(a, scope)).ToArray();
        try
        {
            return function.AsFunction()(arguments);
        }
        catch (ValueException e)
        {
            var at = e.ArgumentIndex >= 0 && e.ArgumentIndex < call.Arguments.Count ? call.Arguments[e.ArgumentIndex].Start : call.Start;
            throw new FunctionCallException(at, $"{Describe(call.Function)}: {e.Message}");
        }
    }

    private static AlloyValue EvaluateUnary(UnaryExpression unary, IReadOnlyDictionary<string, AlloyValue> scope)
    {
        var value = Evaluate(unary.Value, scope);
        if (unary.Operator == TokenKind.Not)
        {
            return value.Kind == ValueKind.Bool
                ? AlloyValue.Bool(!value.AsBool())
                : throw new SyntaxException(unary.Value.Start, $"should be bool, got {value.Kind.Describe()}");
        }
        if (value.Kind != ValueKind.Number)
        {
            throw new SyntaxException(unary.Value.Start, $"should be number, got {value.Kind.Describe()}");
        }
        return value.IsInteger ? AlloyValue.Int(-value.AsInt()) : AlloyValue.Float(-value.AsDouble());
    }

    private static AlloyValue EvaluateBinary(BinaryExpression binary, IReadOnlyDictionary<string, AlloyValue> scope)
    {
        var left = Evaluate(binary.Left, scope);
        if (binary.Operator is TokenKind.Or or TokenKind.And)
        {
            var leftBool = RequireKind(left, ValueKind.Bool, binary.Left).AsBool();
            if (binary.Operator == TokenKind.Or ? leftBool : !leftBool)
            {
                return AlloyValue.Bool(leftBool);
            }
            return AlloyValue.Bool(RequireKind(Evaluate(binary.Right, scope), ValueKind.Bool, binary.Right).AsBool());
        }

        var right = Evaluate(binary.Right, scope);
        switch (binary.Operator)
        {
            case TokenKind.Equal:
                return AlloyValue.Bool(left.Equals(right));
            case TokenKind.NotEqual:
                return AlloyValue.Bool(!left.Equals(right));
        }

        if (left.Kind == ValueKind.String && binary.Operator is TokenKind.Add or TokenKind.Less or TokenKind.LessEqual or TokenKind.Greater or TokenKind.GreaterEqual)
        {
            var rightString = RequireKind(right, ValueKind.String, binary.Right).AsString();
            var comparison = string.CompareOrdinal(left.AsString(), rightString);
            return binary.Operator switch
            {
                TokenKind.Add => AlloyValue.String(left.AsString() + rightString),
                TokenKind.Less => AlloyValue.Bool(comparison < 0),
                TokenKind.LessEqual => AlloyValue.Bool(comparison <= 0),
                TokenKind.Greater => AlloyValue.Bool(comparison > 0),
                _ => AlloyValue.Bool(comparison >= 0),
            };
        }

        RequireKind(left, ValueKind.Number, binary.Left);
        RequireKind(right, ValueKind.Number, binary.Right);
        try
        {
            return Arithmetic.Apply(binary.Operator, left, right);
        }
        catch (ValueException e)
        {
            throw new SyntaxException(binary.OperatorPosition, e.Message);
        }
    }

    private static AlloyValue RequireKind(AlloyValue value, ValueKind kind, Expression at) =>
        value.Kind == kind ? value : throw new SyntaxException(at.Start, $"should be {kind.Describe()}, got {value.Kind.Describe()}");

    /// <summary>The dotted name of a function expression (<c>string.format</c>) for messages.</summary>
    private static string Describe(Expression expression) => expression switch
    {
        IdentifierExpression identifier => identifier.Identifier.Name,
        AccessExpression access => Describe(access.Value) + "." + access.Name.Name,
        _ => "function",
    };
}
