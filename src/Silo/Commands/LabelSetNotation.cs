using System.Text;
using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Silo.Commands;

/// <summary>
/// Reads a label set in Prometheus' notation, <c>{name="value", ...}</c> — what <see cref="LabelSet.ToString"/>
/// writes and what operators copy from the UI or a query. Values take the escapes <c>\"</c>, <c>\\</c> and <c>\n</c>;
/// a trailing comma is allowed; an empty value means the label is absent, as in Prometheus.
/// </summary>
public static class LabelSetNotation
{
    public static LabelSet Parse(string text)
    {
        var reader = new Reader(text);
        reader.SkipSpace();
        reader.Expect('{', "expected '{' to open the label set");
        var labels = new List<Label>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        reader.SkipSpace();
        while (!reader.TryTake('}'))
        {
            var nameColumn = reader.Column;
            var name = reader.Name();
            if (!seen.Add(name))
            {
                throw new LabelSetFormatException(nameColumn, $"label '{name}' appears twice");
            }
            reader.SkipSpace();
            reader.Expect('=', $"expected '=' after label name '{name}'");
            reader.SkipSpace();
            labels.Add(new Label(name, reader.QuotedValue()));
            reader.SkipSpace();
            if (reader.TryTake('}'))
            {
                break;
            }
            reader.Expect(',', "expected ',' or '}' after a label value");
            reader.SkipSpace();
        }
        reader.SkipSpace();
        if (!reader.AtEnd)
        {
            throw new LabelSetFormatException(reader.Column, "unexpected text after '}'");
        }
        return LabelSet.From(labels);
    }

    private sealed class Reader(string text)
    {
        private int _at;

        /// <summary>1-based column of the next character.</summary>
        public int Column => _at + 1;

        public bool AtEnd => _at >= text.Length;

        public void SkipSpace()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
        }

        public bool TryTake(char c)
        {
            if (_at < text.Length && text[_at] == c)
            {
                _at++;
                return true;
            }
            return false;
        }

        public void Expect(char c, string message)
        {
            if (!TryTake(c))
            {
                throw new LabelSetFormatException(Column, AtEnd ? message + ", found the end" : message);
            }
        }

        public string Name()
        {
            var start = _at;
            if (_at >= text.Length || !(char.IsAsciiLetter(text[_at]) || text[_at] == '_'))
            {
                throw new LabelSetFormatException(Column, "expected a label name ([a-zA-Z_][a-zA-Z0-9_]*)");
            }
            while (_at < text.Length && (char.IsAsciiLetterOrDigit(text[_at]) || text[_at] == '_'))
            {
                _at++;
            }
            return text[start.._at];
        }

        public string QuotedValue()
        {
            var open = Column;
            Expect('"', "expected '\"' to open a label value");
            var value = new StringBuilder();
            while (true)
            {
                if (AtEnd)
                {
                    throw new LabelSetFormatException(open, "label value is not closed with '\"'");
                }
                var c = text[_at++];
                if (c == '"')
                {
                    return value.ToString();
                }
                if (c != '\\')
                {
                    value.Append(c);
                    continue;
                }
                if (AtEnd)
                {
                    throw new LabelSetFormatException(Column - 1, "label value ends inside an escape");
                }
                var escaped = text[_at++];
                value.Append(escaped switch
                {
                    '"' => '"',
                    '\\' => '\\',
                    'n' => '\n',
                    _ => throw new LabelSetFormatException(Column - 2, $"unknown escape '\\{escaped}' (use \\\", \\\\ or \\n)"),
                });
            }
        }
    }
}

/// <summary>A label set that does not follow the notation; <see cref="Column"/> is 1-based.</summary>
public sealed class LabelSetFormatException(int column, string problem) : FormatException($"column {column}: {problem}")
{
    public int Column { get; } = column;
}
