namespace AlloyOrleans.Grains.Scrape.Exposition;

/// <summary>
/// OpenMetrics 1.0 text, following Prometheus 2.42's lexer and parser: single spaces only, no blank lines, no free
/// comments, and the exposition must end with <c># EOF</c>.
/// </summary>
public ref partial struct ExpositionReader
{
    private const string NoEof = "data does not end with # EOF";

    private bool ReadOpenMetrics()
    {
        var body = _body;
        var position = _position;
        if (position >= body.Length)
        {
            throw Error(position, NoEof);
        }
        var c = body[position];
        if (IsMetricNameStart(c))
        {
            ReadOpenMetricsSeries(position);
            return true;
        }
        if (c == '#' && position + 1 < body.Length && body[position + 1] == ' ')
        {
            var rest = body[(position + 2)..];
            if (rest.StartsWith("HELP "u8))
            {
                ReadOpenMetricsMetadata(EntryKind.Help, position, position + 7);
                return true;
            }
            if (rest.StartsWith("TYPE "u8))
            {
                ReadOpenMetricsMetadata(EntryKind.Type, position, position + 7);
                return true;
            }
            if (rest.StartsWith("UNIT "u8))
            {
                ReadOpenMetricsMetadata(EntryKind.Unit, position, position + 7);
                return true;
            }
            if (rest.StartsWith("EOF"u8))
            {
                var end = position + 5;
                if (end < body.Length && body[end] == '\n')
                {
                    end++;
                }
                if (end != body.Length)
                {
                    throw Error(end, "unexpected data after # EOF");
                }
                _position = end;
                return false;
            }
        }
        throw Error(position, $"{Got(position)} is not a valid start token");
    }

    private void ReadOpenMetricsMetadata(EntryKind kind, int lineStart, int nameStart)
    {
        var body = _body;
        BeginMetadata(kind, lineStart);
        var keyword = kind switch { EntryKind.Help => "HELP", EntryKind.Type => "TYPE", _ => "UNIT" };
        if (nameStart >= body.Length || !IsMetricNameStart(body[nameStart]))
        {
            throw Error(nameStart, $"expected metric name after {keyword}, got {Got(nameStart)}");
        }
        _nameStart = nameStart;
        _nameEnd = ScanName(nameStart, MetricNameChars);
        var lineEnd = _nameEnd < body.Length ? body[_nameEnd..].IndexOf((byte)'\n') : -1;
        if (lineEnd < 0 || body[_nameEnd] != ' ')
        {
            throw Error(_nameEnd, $"expected text in {keyword}");
        }
        _textStart = _nameEnd + 1;
        _textEnd = _nameEnd + lineEnd;
        _position = _textEnd + 1;

        switch (kind)
        {
            case EntryKind.Type:
                _type = RawText switch
                {
                    var t when t.SequenceEqual("counter"u8) => MetricType.Counter,
                    var t when t.SequenceEqual("gauge"u8) => MetricType.Gauge,
                    var t when t.SequenceEqual("histogram"u8) => MetricType.Histogram,
                    var t when t.SequenceEqual("gaugehistogram"u8) => MetricType.GaugeHistogram,
                    var t when t.SequenceEqual("summary"u8) => MetricType.Summary,
                    var t when t.SequenceEqual("info"u8) => MetricType.Info,
                    var t when t.SequenceEqual("stateset"u8) => MetricType.StateSet,
                    var t when t.SequenceEqual("unknown"u8) => MetricType.Unknown,
                    _ => throw Error(_textStart, $"invalid metric type {Quote(_textStart, _textEnd)}"),
                };
                break;
            case EntryKind.Help:
                ValidateUtf8(_textStart, _textEnd, "help text");
                break;
            case EntryKind.Unit:
                // A unit must be the last underscore-separated part of the family name.
                var unit = RawText;
                var name = MetricName;
                if (!unit.IsEmpty && (!name.EndsWith(unit) || name.Length < unit.Length + 1 || name[^(unit.Length + 1)] != '_'))
                {
                    throw Error(_textStart, $"unit {Quote(_textStart, _textEnd)} not a suffix of metric {Quote(_nameStart, _nameEnd)}");
                }
                break;
        }
    }

    private void ReadOpenMetricsSeries(int start)
    {
        var body = _body;
        var position = ScanName(start, MetricNameChars);
        BeginSeries(start, position);
        if (position < body.Length && body[position] == '{')
        {
            _labelsStart = position + 1;
            position = ReadOpenMetricsLabels(position + 1, exemplar: false);
            CheckRepeatedLabelNames();
            _seriesEnd = position;
        }

        var valueEnd = ReadSpaceToken(position);
        if (valueEnd < 0)
        {
            throw Error(position, $"expected value after metric, got {Got(position)}");
        }
        _value = ParseValue(position + 1, valueEnd);
        position = valueEnd;

        if (position >= body.Length)
        {
            throw Error(position, NoEof);
        }
        if (body[position] == ' ' && !IsExemplarStart(position))
        {
            var timestampEnd = ReadSpaceToken(position);
            if (timestampEnd < 0)
            {
                throw Error(position, $"expected timestamp or # symbol, got {Got(position)}");
            }
            _timestampMs = ParseOpenMetricsTimestamp(position + 1, timestampEnd, "invalid timestamp");
            _hasTimestamp = true;
            position = timestampEnd;
            if (position >= body.Length || (body[position] != '\n' && !IsExemplarStart(position)))
            {
                throw Error(position, $"expected next entry after timestamp, got {Got(position)}");
            }
        }
        if (body[position] == ' ')
        {
            position = SkipExemplar(position + 4);
        }
        else if (body[position] != '\n')
        {
            throw Error(position, $"expected timestamp or # symbol, got {Got(position)}");
        }
        _position = position + 1;
    }

    /// <summary>
    /// Validates the exemplar whose labels start at <paramref name="position"/> (after <c> # {</c>) and returns the
    /// position of the line break ending it. Prometheus parses exemplars; we only check and skip them.
    /// </summary>
    private int SkipExemplar(int position)
    {
        var body = _body;
        // Prometheus 2.42 accepts exemplars only on counters' _total and histograms' _bucket series.
        var name = MetricName;
        if (!name.EndsWith("_total"u8) && !name.EndsWith("_bucket"u8))
        {
            throw Error(position, $"metric name {MetricNameString} does not support exemplars");
        }
        position = ReadOpenMetricsLabels(position, exemplar: true);
        var valueEnd = ReadSpaceToken(position);
        if (valueEnd < 0)
        {
            throw Error(position, $"expected value after exemplar labels, got {Got(position)}");
        }
        ParseValue(position + 1, valueEnd);
        position = valueEnd;
        if (position >= body.Length)
        {
            throw Error(position, NoEof);
        }
        if (body[position] == '\n')
        {
            return position;
        }
        var timestampEnd = ReadSpaceToken(position);
        if (timestampEnd < 0)
        {
            throw Error(position, $"expected timestamp or comment, got {Got(position)}");
        }
        ParseOpenMetricsTimestamp(position + 1, timestampEnd, "invalid exemplar timestamp");
        if (timestampEnd >= body.Length || body[timestampEnd] != '\n')
        {
            throw Error(timestampEnd, $"expected next entry after exemplar timestamp, got {Got(timestampEnd)}");
        }
        return timestampEnd;
    }

    /// <summary>Strict OpenMetrics label list after <c>{</c>; returns the position after the closing brace.</summary>
    private int ReadOpenMetricsLabels(int position, bool exemplar)
    {
        var body = _body;
        var first = true;
        while (true)
        {
            if (position < body.Length && body[position] == '}')
            {
                return position + 1;
            }
            if (!first)
            {
                if (position >= body.Length || body[position] != ',')
                {
                    throw Error(position, $"expected comma, got {Got(position)}");
                }
                position++;
            }
            if (position >= body.Length || !IsLabelNameStart(body[position]))
            {
                throw Error(position, first
                    ? $"expected label name or left brace, got {Got(position)}"
                    : $"expected label name, got {Got(position)}");
            }
            first = false;
            var nameStart = position;
            position = ScanName(position, LabelNameChars);
            var nameEnd = position;
            if (position >= body.Length || body[position] != '=')
            {
                throw Error(position, $"expected equal, got {Got(position)}");
            }
            position = ReadQuotedLabelValue(position + 1, newlineAllowed: false, out var hasEscapes);
            if (!exemplar)
            {
                AddLabel(nameStart, nameEnd, nameEnd + 2, position - 1, hasEscapes);
            }
        }
    }

    /// <summary>
    /// A token of one space followed by at least one character other than space and line break; returns its end,
    /// or -1 when there is none at <paramref name="position"/>.
    /// </summary>
    private readonly int ReadSpaceToken(int position)
    {
        var body = _body;
        if (position + 1 >= body.Length || body[position] != ' ' || body[position + 1] is (byte)' ' or (byte)'\n')
        {
            return -1;
        }
        var length = body[(position + 1)..].IndexOfAny((byte)' ', (byte)'\n');
        return length < 0 ? body.Length : position + 1 + length;
    }

    private readonly bool IsExemplarStart(int position) => _body[position..].StartsWith(" # {"u8);

    /// <summary>OpenMetrics timestamps are float seconds; Prometheus truncates them to milliseconds.</summary>
    private readonly long ParseOpenMetricsTimestamp(int start, int end, string invalid)
    {
        var error = PrometheusFloat.TryParse(_body[start..end], out var seconds);
        if (error is not null)
        {
            throw Error(start, $"strconv.ParseFloat: parsing {Quote(start, end)}: {error}");
        }
        if (!double.IsFinite(seconds))
        {
            throw Error(start, $"{invalid} {Quote(start, end)}");
        }
        return (long)(seconds * 1000);
    }
}
