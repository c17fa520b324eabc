using System.Globalization;
using System.Text;

namespace AlloyOrleans.Silo.Syntax;

/// <summary>Go-style string literals: decoding a token's text, and quoting a value back (as Go's %q does).</summary>
public static class StringLiteral
{
    /// <summary>Decodes a double-quoted (escapes processed) or backtick (taken verbatim) literal. The lexer has validated it.</summary>
    public static string Unquote(string literal)
    {
        if (literal[0] == '`')
        {
            return literal[1..^1].Replace("\r", "", StringComparison.Ordinal);
        }
        var body = literal.AsSpan(1, literal.Length - 2);
        if (!body.Contains('\\'))
        {
            return body.ToString();
        }
        var builder = new StringBuilder(body.Length);
        // Octal and \x escapes are bytes, as in Go; collect consecutive ones and decode them as UTF-8.
        var bytes = new List<byte>();
        for (var i = 0; i < body.Length; i++)
        {
            var ch = body[i];
            if (ch != '\\')
            {
                FlushBytes(builder, bytes);
                builder.Append(ch);
                continue;
            }
            var escape = body[++i];
            switch (escape)
            {
                case >= '0' and <= '7':
                    bytes.Add((byte)Convert.ToInt32(body.Slice(i, 3).ToString(), 8));
                    i += 2;
                    continue;
                case 'x':
                    bytes.Add(byte.Parse(body.Slice(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    continue;
            }
            FlushBytes(builder, bytes);
            switch (escape)
            {
                case 'u':
                    builder.Append(char.ConvertFromUtf32(int.Parse(body.Slice(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
                    i += 4;
                    break;
                case 'U':
                    builder.Append(char.ConvertFromUtf32(int.Parse(body.Slice(i + 1, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
                    i += 8;
                    break;
                default:
                    builder.Append(escape switch
                    {
                        'a' => '\a',
                        'b' => '\b',
                        'f' => '\f',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        'v' => '\v',
                        _ => escape, // \\ and \"
                    });
                    break;
            }
        }
        FlushBytes(builder, bytes);
        return builder.ToString();
    }

    private static void FlushBytes(StringBuilder builder, List<byte> bytes)
    {
        if (bytes.Count > 0)
        {
            builder.Append(Encoding.UTF8.GetString(bytes.ToArray()));
            bytes.Clear();
        }
    }

    /// <summary>Quotes a string with Go's escapes, as <c>%q</c> prints it.</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            switch (ch)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\a': builder.Append("\\a"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\v': builder.Append("\\v"); break;
                default:
                    if (char.IsHighSurrogate(ch) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        builder.Append(ch).Append(value[++i]);
                    }
                    else if (ch < 0x20 || ch == 0x7F)
                    {
                        builder.Append("\\x").Append(((int)ch).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsControl(ch) || char.IsSurrogate(ch))
                    {
                        builder.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(ch);
                    }
                    break;
            }
        }
        builder.Append('"');
        return builder.ToString();
    }
}
