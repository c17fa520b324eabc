using System.Globalization;
using System.Text;

namespace AlloyOrleans.Silo.Syntax;

/// <summary>
/// <c>string.format</c>: Go's fmt verbs over Alloy values (<c>%s %d %v %q %f %e %g %t %x %%</c>, with flags, width and
/// precision). Mistakes print inline as Go prints them (<c>%!d(string=a)</c>, <c>%!s(MISSING)</c>) instead of failing.
/// </summary>
public static class GoFormat
{
    public static string Format(string format, IReadOnlyList<AlloyValue> arguments)
    {
        var output = new StringBuilder(format.Length + 16);
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var ch = format[i];
            if (ch != '%')
            {
                output.Append(ch);
                continue;
            }
            if (++i >= format.Length)
            {
                output.Append("%!(NOVERB)");
                break;
            }
            bool minus = false, zero = false, plus = false, space = false;
            for (; i < format.Length && format[i] is '-' or '0' or '+' or ' ' or '#'; i++)
            {
                switch (format[i])
                {
                    case '-': minus = true; break;
                    case '0': zero = true; break;
                    case '+': plus = true; break;
                    case ' ': space = true; break;
                }
            }
            var width = ReadNumber(format, ref i);
            int? precision = null;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                precision = ReadNumber(format, ref i) ?? 0;
            }
            if (i >= format.Length)
            {
                output.Append("%!(NOVERB)");
                break;
            }
            var verb = format[i];
            if (verb == '%')
            {
                output.Append('%');
                continue;
            }
            if (next >= arguments.Count)
            {
                output.Append("%!").Append(verb).Append("(MISSING)");
                continue;
            }
            var argument = arguments[next++];
            var text = FormatOne(verb, argument, precision, plus, space);
            if (text is null)
            {
                output.Append("%!").Append(verb).Append('(').Append(GoTypeName(argument)).Append('=').Append(Plain(argument)).Append(')');
                continue;
            }
            Pad(output, text, width, minus, zero && !minus && verb is 'd' or 'f' or 'e' or 'g' or 'x');
        }
        if (next < arguments.Count)
        {
            output.Append("%!(EXTRA ");
            output.AppendJoin(", ", arguments.Skip(next).Select(a => GoTypeName(a) + "=" + Plain(a)));
            output.Append(')');
        }
        return output.ToString();
    }

    private static int? ReadNumber(string format, ref int i)
    {
        var start = i;
        while (i < format.Length && char.IsAsciiDigit(format[i]))
        {
            i++;
        }
        return i > start ? int.Parse(format.AsSpan(start, i - start), CultureInfo.InvariantCulture) : null;
    }

    private static void Pad(StringBuilder output, string text, int? width, bool left, bool zeros)
    {
        var padding = (width ?? 0) - text.Length;
        if (padding <= 0)
        {
            output.Append(text);
        }
        else if (left)
        {
            output.Append(text).Append(' ', padding);
        }
        else if (zeros && text.Length > 0 && text[0] is '-' or '+')
        {
            output.Append(text[0]).Append('0', padding).Append(text, 1, text.Length - 1);
        }
        else
        {
            output.Append(zeros ? '0' : ' ', padding).Append(text);
        }
    }

    /// <summary>The formatted argument, or null when the verb does not fit its type.</summary>
    private static string? FormatOne(char verb, AlloyValue value, int? precision, bool plus, bool space)
    {
        string Sign(string s) => s.StartsWith('-') ? s : plus ? "+" + s : space ? " " + s : s;
        switch (verb)
        {
            case 'v':
                return value.Kind == ValueKind.Number && !value.IsInteger
                    ? Sign(FormatG(value.AsDouble(), precision))
                    : Plain(value);
            case 's':
                if (value.Kind != ValueKind.String)
                {
                    return null;
                }
                var s = value.AsString();
                return precision is int p && p < s.Length ? s[..p] : s;
            case 'q':
                return value.Kind == ValueKind.String ? StringLiteral.Quote(value.AsString()) : null;
            case 't':
                return value.Kind == ValueKind.Bool ? Plain(value) : null;
            case 'd':
                return value.Kind == ValueKind.Number && value.IsInteger ? Sign(value.AsInt().ToString(CultureInfo.InvariantCulture)) : null;
            case 'x':
                return value.Kind switch
                {
                    ValueKind.Number when value.IsInteger => value.AsInt() < 0
                        ? "-" + (-value.AsInt()).ToString("x", CultureInfo.InvariantCulture)
                        : value.AsInt().ToString("x", CultureInfo.InvariantCulture),
                    ValueKind.String => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(value.AsString())),
                    _ => null,
                };
            case 'f' or 'F':
                return value.Kind == ValueKind.Number ? Sign(value.AsDouble().ToString("F" + (precision ?? 6), CultureInfo.InvariantCulture)) : null;
            case 'e':
                return value.Kind == ValueKind.Number ? Sign(FormatE(value.AsDouble(), precision ?? 6)) : null;
            case 'g':
                return value.Kind == ValueKind.Number ? Sign(FormatG(value.AsDouble(), precision)) : null;
            default:
                return null;
        }
    }

    /// <summary>Go's %e: mantissa, 'e', sign and at least two exponent digits.</summary>
    private static string FormatE(double value, int precision)
    {
        var text = value.ToString("E" + precision, CultureInfo.InvariantCulture); // 1.500000E+003
        var e = text.IndexOf('E');
        var exponent = int.Parse(text.AsSpan(e + 1), CultureInfo.InvariantCulture);
        return text[..e] + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>Go's %g/%v for floats: the shortest representation, exponent form for large or small magnitudes.</summary>
    private static string FormatG(double value, int? precision)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }
        var shortest = precision is int p ? value.ToString("G" + Math.Max(p, 1), CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = shortest.IndexOfAny(['E', 'e']);
        var exponent = value == 0 ? 0 : (int)Math.Floor(Math.Log10(Math.Abs(value)));
        var digits = (exponentAt >= 0 ? shortest[..exponentAt] : shortest).Replace("-", "").Replace(".", "").TrimStart('0').Length;
        var eLimit = precision ?? 21;
        if (exponent < -4 || exponent >= eLimit)
        {
            return FormatE(value, Math.Max(digits - 1, 0)).Replace(".e", "e");
        }
        return exponentAt >= 0 ? value.ToString("0." + new string('#', 20), CultureInfo.InvariantCulture) : shortest;
    }

    /// <summary>A value as Go's %v prints the equivalent Go value.</summary>
    private static string Plain(AlloyValue value) => value.Kind switch
    {
        ValueKind.String => value.AsString(),
        ValueKind.Null => "<nil>",
        ValueKind.Number => value.IsInteger ? value.FormatNumber() : FormatG(value.AsDouble(), null),
        ValueKind.Bool => value.AsBool() ? "true" : "false",
        ValueKind.Array => "[" + string.Join(" ", value.AsArray().Select(Plain)) + "]",
        ValueKind.Object => "map[" + string.Join(" ", value.AsObject().OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + ":" + Plain(f.Value))) + "]",
        _ => value.ToString(),
    };

    private static string GoTypeName(AlloyValue value) => value.Kind switch
    {
        ValueKind.String => "string",
        ValueKind.Number => value.IsInteger ? "int" : "float64",
        ValueKind.Bool => "bool",
        ValueKind.Null => "<nil>",
        ValueKind.Array => "[]interface {}",
        ValueKind.Object => "map[string]interface {}",
        _ => value.Kind.Describe(),
    };
}
