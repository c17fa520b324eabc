namespace AlloyOrleans.Silo.Syntax;

/// <summary>
/// Number operators. Two integers give an integer (Go semantics: <c>/</c> truncates, <c>%</c> keeps the dividend's
/// sign); anything with a float gives a float.
/// </summary>
internal static class Arithmetic
{
    public static AlloyValue Apply(TokenKind op, AlloyValue left, AlloyValue right)
    {
        if (op is TokenKind.Less or TokenKind.LessEqual or TokenKind.Greater or TokenKind.GreaterEqual)
        {
            var comparison = left.IsInteger && right.IsInteger
                ? left.AsInt().CompareTo(right.AsInt())
                : left.AsDouble().CompareTo(right.AsDouble());
            return AlloyValue.Bool(op switch
            {
                TokenKind.Less => comparison < 0,
                TokenKind.LessEqual => comparison <= 0,
                TokenKind.Greater => comparison > 0,
                _ => comparison >= 0,
            });
        }

        if (left.IsInteger && right.IsInteger)
        {
            long a = left.AsInt(), b = right.AsInt();
            if (op is TokenKind.Divide or TokenKind.Modulo && b == 0)
            {
                throw new ValueException("integer divide by zero");
            }
            return op switch
            {
                TokenKind.Add => AlloyValue.Int(a + b),
                TokenKind.Subtract => AlloyValue.Int(a - b),
                TokenKind.Multiply => AlloyValue.Int(a * b),
                TokenKind.Divide => AlloyValue.Int(a / b),
                TokenKind.Modulo => AlloyValue.Int(a % b),
                TokenKind.Power when b >= 0 => AlloyValue.Int(IntegerPower(a, b)),
                TokenKind.Power => AlloyValue.Float(Math.Pow(a, b)),
                _ => throw new ValueException($"operator {op.Symbol()} does not apply to numbers"),
            };
        }

        double x = left.AsDouble(), y = right.AsDouble();
        return op switch
        {
            TokenKind.Add => AlloyValue.Float(x + y),
            TokenKind.Subtract => AlloyValue.Float(x - y),
            TokenKind.Multiply => AlloyValue.Float(x * y),
            TokenKind.Divide => AlloyValue.Float(x / y),
            TokenKind.Modulo => AlloyValue.Float(x % y),
            TokenKind.Power => AlloyValue.Float(Math.Pow(x, y)),
            _ => throw new ValueException($"operator {op.Symbol()} does not apply to numbers"),
        };
    }

    private static long IntegerPower(long value, long exponent)
    {
        long result = 1;
        while (exponent > 0)
        {
            if ((exponent & 1) == 1)
            {
                result *= value;
            }
            value *= value;
            exponent >>= 1;
        }
        return result;
    }
}
