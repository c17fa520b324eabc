using System.Buffers;

namespace AlloyOrleans.Grains.Scrape.Exposition;

/// <summary>Prometheus text format 0.0.4, following the rules of Prometheus 2.42's lexer and parser.</summary>
public ref partial struct ExpositionReader
{
    private static readonly SearchValues<byte> TextValueTerminators = SearchValues.Create(" \t\n{"u8);

    private bool ReadPrometheusText()
    {
        var body = _body;
        var position = _position;
        while (true)
        {
            // Blanks may precede a comment and fill a blank line, but not precede a metric name: Prometheus then
            // takes them into the name and rejects it.
            var lineStart = position;
            position = SkipBlanks(position);
            if (position >= body.Length || body[position] == 0)
            {
                // Prometheus' lexer treats a NUL where a line may start as the end of the input.
                _position = body.Length;
                return false;
            }
            var c = body[position];
            if (c == '\n')
            {
                position++;
                continue;
            }
            if (c == '#')
            {
                ReadTextHashLine(position);
                return true;
            }
            if (IsMetricNameStart(c))
            {
                if (position != lineStart)
                {
                    throw Error(position, $"invalid metric name {Quote(lineStart, ScanName(position, MetricNameChars))}");
                }
                ReadTextSeries(position);
                return true;
            }
            throw Error(position, $"{Got(position)} is not a valid start token");
        }
    }

    private void ReadTextSeries(int start)
    {
        var body = _body;
        var position = ScanName(start, MetricNameChars);
        BeginSeries(start, position);
        position = SkipBlanks(position);
        if (position < body.Length && body[position] == '{')
        {
            position = ReadTextLabels(position + 1);
            CheckRepeatedLabelNames();
            _seriesEnd = position;
            position = SkipBlanks(position);
        }

        var valueLength = position < body.Length ? body[position..].IndexOfAny(TextValueTerminators) : 0;
        if (valueLength < 0)
        {
            valueLength = body.Length - position;
        }
        if (valueLength == 0)
        {
            throw Error(position, $"expected value after metric, got {Got(position)}");
        }
        _value = ParseValue(position, position + valueLength);
        position = SkipBlanks(position + valueLength);

        if (position < body.Length && body[position] != '\n')
        {
            if ((uint)(body[position] - '0') > 9)
            {
                throw Error(position, $"expected timestamp or new record, got {Got(position)}");
            }
            var timestampStart = position;
            long timestamp = 0;
            while (position < body.Length && (uint)(body[position] - '0') <= 9)
            {
                var digit = body[position] - '0';
                if (timestamp > (long.MaxValue - digit) / 10)
                {
                    throw Error(timestampStart, $"strconv.ParseInt: parsing {Quote(timestampStart, position)}...: value out of range");
                }
                timestamp = timestamp * 10 + digit;
                position++;
            }
            _timestampMs = timestamp;
            _hasTimestamp = true;
            position = SkipBlanks(position);
            if (position < body.Length && body[position] != '\n')
            {
                throw Error(position, $"expected next entry after timestamp, got {Got(position)}");
            }
        }
        _position = position + 1;
    }

    /// <summary>Reads <c>name="value"</c> pairs up to the closing brace; returns the position after it.</summary>
    private int ReadTextLabels(int position)
    {
        var body = _body;
        _labelsStart = position;
        while (true)
        {
            position = SkipBlanks(position);
            if (position >= body.Length || !IsLabelNameStart(body[position]))
            {
                if (position < body.Length && body[position] == '}')
                {
                    return position + 1;
                }
                throw Error(position, $"expected label name, got {Got(position)}");
            }
            var nameStart = position;
            position = ScanName(position, LabelNameChars);
            var nameEnd = position;
            position = SkipBlanks(position);
            if (position >= body.Length || body[position] != '=')
            {
                throw Error(position, $"expected equal, got {Got(position)}");
            }
            position = SkipBlanks(position + 1);
            var valueStart = position + 1;
            position = ReadQuotedLabelValue(position, newlineAllowed: true, out var hasEscapes);
            AddLabel(nameStart, nameEnd, valueStart, position - 1, hasEscapes);
            position = SkipBlanks(position);
            // A comma is optional between pairs and allowed before the closing brace (as Prometheus 2.42 lexes it).
            if (position < body.Length && body[position] == ',')
            {
                position++;
            }
        }
    }

    /// <summary>
    /// Reads a <c>"..."</c> label value at <paramref name="position"/>, checks it is UTF-8 and returns the position
    /// after the closing quote. A backslash escapes any character but a newline.
    /// </summary>
    private readonly int ReadQuotedLabelValue(int position, bool newlineAllowed, out bool hasEscapes)
    {
        hasEscapes = false;
        var body = _body;
        if (position >= body.Length || body[position] != '"')
        {
            throw Error(position, $"expected label value, got {Got(position)}");
        }
        var valueStart = position + 1;
        var i = valueStart;
        while (true)
        {
            var offset = newlineAllowed
                ? body[i..].IndexOfAny((byte)'"', (byte)'\\')
                : body[i..].IndexOfAny((byte)'"', (byte)'\\', (byte)'\n');
            if (offset < 0)
            {
                throw Error(position, $"expected label value, got {Got(position)}");
            }
            i += offset;
            var c = body[i];
            if (c == '"')
            {
                break;
            }
            if (c == '\n' || i + 1 >= body.Length || body[i + 1] == '\n')
            {
                throw Error(position, $"expected label value, got {Got(position)}");
            }
            hasEscapes = true;
            i += 2;
        }
        ValidateUtf8(valueStart, i, "label value");
        return i + 1;
    }

    /// <summary>A line starting with <c>#</c>: HELP, TYPE, or a comment.</summary>
    private void ReadTextHashLine(int start)
    {
        var body = _body;
        var lineEnd = body[start..].IndexOf((byte)'\n');
        lineEnd = lineEnd < 0 ? body.Length : start + lineEnd;
        _position = lineEnd + 1;

        var keyword = start + 1;
        if (keyword < lineEnd && body[keyword] is (byte)' ' or (byte)'\t')
        {
            keyword = SkipBlanks(keyword);
            var rest = body[keyword..lineEnd];
            var kind = rest.Length > 4 && rest[4] is (byte)' ' or (byte)'\t'
                ? rest.StartsWith("HELP"u8) ? EntryKind.Help : rest.StartsWith("TYPE"u8) ? EntryKind.Type : EntryKind.None
                : EntryKind.None;
            if (kind != EntryKind.None)
            {
                ReadTextMetadata(kind, start, SkipBlanks(keyword + 4), lineEnd);
                return;
            }
        }
        BeginMetadata(EntryKind.Comment, start);
        _textStart = start;
        _textEnd = lineEnd;
    }

    private void ReadTextMetadata(EntryKind kind, int lineStart, int nameStart, int lineEnd)
    {
        BeginMetadata(kind, lineStart);
        if (nameStart >= lineEnd || !IsMetricNameStart(_body[nameStart]))
        {
            throw Error(nameStart, $"expected metric name after {(kind == EntryKind.Help ? "HELP" : "TYPE")}, got {Got(nameStart)}");
        }
        _nameStart = nameStart;
        _nameEnd = Math.Min(ScanName(nameStart, MetricNameChars), lineEnd);

        // The text is the rest of the line minus the one character separating it from the name. A rest of blanks
        // only is read as blanks (Prometheus' lexer prefers its whitespace rule on a tie), giving an empty text.
        var rest = _body[_nameEnd..lineEnd];
        if (rest.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0)
        {
            _textStart = _textEnd = lineEnd;
        }
        else
        {
            _textStart = _nameEnd + 1;
            _textEnd = lineEnd;
        }

        if (kind == EntryKind.Type)
        {
            _type = RawText switch
            {
                var t when t.SequenceEqual("counter"u8) => MetricType.Counter,
                var t when t.SequenceEqual("gauge"u8) => MetricType.Gauge,
                var t when t.SequenceEqual("histogram"u8) => MetricType.Histogram,
                var t when t.SequenceEqual("summary"u8) => MetricType.Summary,
                var t when t.SequenceEqual("untyped"u8) => MetricType.Unknown,
                _ => throw Error(_textStart, $"invalid metric type {Quote(_textStart, _textEnd)}"),
            };
        }
        else
        {
            ValidateUtf8(_textStart, _textEnd, "help text");
        }
    }

    private readonly int SkipBlanks(int position)
    {
        var body = _body;
        while (position < body.Length && body[position] is (byte)' ' or (byte)'\t')
        {
            position++;
        }
        return position;
    }
}
