using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Scrape.Exposition;

/// <summary>
/// A forward-only, allocation-free reader of a Prometheus text 0.0.4 or OpenMetrics 1.0 exposition, accepting and
/// rejecting exactly what Prometheus 2.42 does. Each <see cref="Read"/> moves to the next entry (series, HELP,
/// TYPE, UNIT or comment); spans it returns point into the body. Invalid input throws
/// <see cref="ExpositionFormatException"/>: any error fails the whole scrape.
/// </summary>
/// <remarks>
/// Besides the grammar, the reader applies the checks of Prometheus 2.42's scrape loop that fail a scrape on the
/// parsed text: a repeated label name (unless an empty occurrence makes Prometheus drop the name), <c>__name__</c>
/// inside the braces, blanks before a metric name, and OpenMetrics exemplars on series other than <c>_total</c>
/// and <c>_bucket</c>. The same series appearing twice is not an error: Prometheus keeps the first sample. Equal
/// <see cref="SeriesBytes"/> mean the same series, but one series can be written in several ways
/// (<c>a{x="1"}</c>, <c>a{x="1",}</c>), so deduplicate on label sets. After an exception the reader is done.
/// </remarks>
public ref partial struct ExpositionReader
{
    /// <summary>The name Prometheus gives the metric-name label.</summary>
    public const string MetricNameLabel = "__name__";

    internal static readonly SearchValues<byte> MetricNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:"u8);

    internal static readonly SearchValues<byte> LabelNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"u8);

    private readonly ReadOnlySpan<byte> _body;
    private readonly ExpositionFormat _format;
    private int _position;
    private int _lineStart;
    private bool _finished;
    private EntryKind _kind;

    private int _nameStart;
    private int _nameEnd;
    private int _seriesEnd;
    private int _labelsStart;
    private double _value;
    private long _timestampMs;
    private bool _hasTimestamp;

    private int _textStart;
    private int _textEnd;
    private MetricType _type;

    private int _labelCount;
    private bool _hasRepeatedLabelName;
    private LabelSpans _labels;
    private LabelOverflow? _overflow;

    private readonly ParseDeadline? _deadline;
    private int _nextDeadlineCheck = int.MaxValue;

    public ExpositionReader(ReadOnlySpan<byte> body, ExpositionFormat format)
    {
        _body = body;
        _format = format;
    }

    /// <summary>A reader whose <see cref="Read"/> throws <see cref="ParseDeadlineExceededException"/> once the
    /// deadline has passed, so a hostile or huge body cannot hold the worker beyond the scrape's timeout.</summary>
    public ExpositionReader(ReadOnlySpan<byte> body, ExpositionFormat format, ParseDeadline deadline)
        : this(body, format)
    {
        _deadline = deadline;
        _nextDeadlineCheck = 0;
    }

    public readonly ExpositionFormat Format => _format;

    /// <summary>What the current entry is.</summary>
    public readonly EntryKind Kind => _kind;

    /// <summary>The metric name of a series, or the family name of HELP, TYPE and UNIT.</summary>
    public readonly ReadOnlySpan<byte> MetricName => _body[_nameStart.._nameEnd];

    /// <summary><see cref="MetricName"/> as a string (allocates).</summary>
    public readonly string MetricNameString => Encoding.ASCII.GetString(MetricName);

    /// <summary>
    /// The bytes that identify a series in this exposition: the metric name and its label text, as written.
    /// Equal bytes mean the same series, so a scrape loop can cache label sets by them across scrapes.
    /// </summary>
    public readonly ReadOnlySpan<byte> SeriesBytes => _body[_nameStart.._seriesEnd];

    /// <summary>The sample value; every NaN has Prometheus' canonical bits <c>0x7ff8000000000001</c>.</summary>
    public readonly double Value => _value;

    /// <summary>The sample's own timestamp in Unix milliseconds, if the exposition gave one.</summary>
    public readonly long? TimestampMs => _hasTimestamp ? _timestampMs : null;

    /// <summary>The type declared by the current TYPE entry.</summary>
    public readonly MetricType Type => _type;

    /// <summary>
    /// The raw text of a HELP (still escaped), the unit of a UNIT, or the whole line of a comment.
    /// </summary>
    public readonly ReadOnlySpan<byte> RawText => _body[_textStart.._textEnd];

    /// <summary>
    /// The labels of the current series as written, without the metric name; empty values included
    /// (<see cref="CreateLabelSet"/> applies Prometheus' dropping rules).
    /// </summary>
    [UnscopedRef]
    public readonly ExpositionLabelEnumerator Labels =>
        _labelCount <= LabelSpans.Capacity
            ? new(_body, _labels[.._labelCount])
            : new(_body, _overflow!.Spans);

    /// <summary>The 1-based line of the current entry (counted on demand; meant for diagnostics).</summary>
    public readonly int LineNumber => LineAt(_lineStart);

    /// <summary>Moves to the next entry. Returns false at the end of the exposition.</summary>
    public bool Read()
    {
        if (_finished)
        {
            return false;
        }
        if (_position >= _nextDeadlineCheck)
        {
            CheckDeadline();
        }
        var more = _format == ExpositionFormat.OpenMetrics ? ReadOpenMetrics() : ReadPrometheusText();
        if (!more)
        {
            _finished = true;
            _kind = EntryKind.None;
        }
        return more;
    }

    private void CheckDeadline()
    {
        if (_deadline is not { } deadline)
        {
            _nextDeadlineCheck = int.MaxValue;
            return;
        }
        if (deadline.HasPassed)
        {
            _finished = true;
            throw new ParseDeadlineExceededException(LineAt(_position));
        }
        _nextDeadlineCheck = _position + ParseDeadline.CheckEveryBytes;
    }

    /// <summary>The HELP text with its escapes undone (allocates the string).</summary>
    public readonly string GetHelpText() =>
        ExpositionEscapes.UnescapeToString(RawText, quoteEscape: _format == ExpositionFormat.OpenMetrics);

    /// <summary>
    /// The current series' labels as Prometheus stores them: including <c>__name__</c>, sorted by name, without
    /// empty values (and without a repeated name that has an empty occurrence) — the allocation point for a
    /// series the caller has not seen before.
    /// </summary>
    public readonly LabelSet CreateLabelSet()
    {
        var count = 1;
        var position = 0;
        foreach (var label in Labels)
        {
            if (IsKept(position++, label))
            {
                count++;
            }
        }
        var labels = new Label[count];
        labels[0] = new Label(MetricNameLabel, MetricNameString);
        var index = 1;
        position = 0;
        foreach (var label in Labels)
        {
            if (IsKept(position++, label))
            {
                labels[index++] = new Label(label.GetName(), label.GetValue());
            }
        }
        Array.Sort(labels, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return LabelSet.FromSortedUnique(labels);
    }

    private void BeginSeries(int nameStart, int nameEnd)
    {
        _kind = EntryKind.Series;
        _lineStart = nameStart;
        _nameStart = nameStart;
        _nameEnd = nameEnd;
        _seriesEnd = nameEnd;
        _labelsStart = -1;
        _labelCount = 0;
        _hasRepeatedLabelName = false;
        _hasTimestamp = false;
    }

    private void BeginMetadata(EntryKind kind, int lineStart)
    {
        _kind = kind;
        _lineStart = lineStart;
        _labelCount = 0;
        _labelsStart = -1;
    }

    /// <summary>
    /// Records a label of the current series. <c>__name__</c> inside the braces always fails the scrape in
    /// Prometheus (a second name, or no name once an empty one is dropped); other repeated names are settled by
    /// <see cref="CheckRepeatedLabelNames"/> once the labels are read.
    /// </summary>
    private void AddLabel(int nameStart, int nameEnd, int valueStart, int valueEnd, bool hasEscapes)
    {
        var body = _body;
        var name = body[nameStart..nameEnd];
        if (name.Length == 8 && name.SequenceEqual("__name__"u8))
        {
            throw Error(nameStart, $"label name \"{MetricNameLabel}\" is not unique");
        }
        var span = new LabelSpan(nameStart, nameEnd, valueStart, valueEnd, hasEscapes);
        if (_labelCount < LabelSpans.Capacity)
        {
            for (var i = 0; i < _labelCount; i++)
            {
                ref readonly var other = ref _labels[i];
                if (other.NameEnd - other.NameStart == name.Length && body[other.NameStart..other.NameEnd].SequenceEqual(name))
                {
                    _hasRepeatedLabelName = true;
                }
            }
            _labels[_labelCount] = span;
        }
        else
        {
            // Rare: more labels than the inline positions; an index by name keeps the check linear in the labels.
            if (_labelCount == LabelSpans.Capacity)
            {
                (_overflow ??= new LabelOverflow()).Start(body, _labels);
            }
            _hasRepeatedLabelName |= _overflow!.Add(body, span);
        }
        _labelCount++;
    }

    /// <summary>
    /// A repeated label name fails the scrape (Prometheus' appender rejects the series) — unless one of its
    /// occurrences has an empty value: Prometheus' label builder then drops every label of that name.
    /// </summary>
    private readonly void CheckRepeatedLabelNames()
    {
        if (!_hasRepeatedLabelName)
        {
            return;
        }
        if (_labelCount > LabelSpans.Capacity)
        {
            var first = _overflow!.FirstUnresolvedRepeat();
            if (first >= 0)
            {
                var span = _overflow.Spans[first];
                throw Error(_labelsStart, $"label name \"{Encoding.ASCII.GetString(_body[span.NameStart..span.NameEnd])}\" is not unique");
            }
            return;
        }
        // At most LabelSpans.Capacity labels: the nested walks are bounded.
        var outer = Labels;
        while (outer.MoveNext())
        {
            var name = outer.Current.Name;
            var occurrences = 0;
            foreach (var label in Labels)
            {
                if (label.Name.SequenceEqual(name))
                {
                    occurrences++;
                }
            }
            if (occurrences > 1 && !HasEmptyOccurrence(name))
            {
                throw Error(_labelsStart, $"label name \"{Encoding.ASCII.GetString(name)}\" is not unique");
            }
        }
    }

    /// <summary>Whether a label of this name has an empty value, which makes Prometheus drop the name.</summary>
    private readonly bool HasEmptyOccurrence(ReadOnlySpan<byte> name)
    {
        foreach (var label in Labels)
        {
            if (label.RawValue.IsEmpty && label.Name.SequenceEqual(name))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether Prometheus keeps this label of the current series: empty values and names repeated
    /// with an empty occurrence are dropped.</summary>
    private readonly bool IsKept(int index, in ExpositionLabel label) =>
        !label.RawValue.IsEmpty && (!_hasRepeatedLabelName ||
            (_labelCount > LabelSpans.Capacity ? !_overflow!.NameHasEmptyValue(index) : !HasEmptyOccurrence(label.Name)));

    private readonly double ParseValue(int start, int end)
    {
        var error = PrometheusFloat.TryParse(_body[start..end], out var value);
        if (error is not null)
        {
            throw Error(start, $"strconv.ParseFloat: parsing {Quote(start, end)}: {error}");
        }
        return double.IsNaN(value) ? PrometheusFloat.NormalNaN : value;
    }

    private readonly void ValidateUtf8(int start, int end, string what)
    {
        if (!Utf8.IsValid(_body[start..end]))
        {
            throw Error(start, $"{what} is not valid UTF-8");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsMetricNameStart(byte c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a' || c is (byte)'_' or (byte)':';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsLabelNameStart(byte c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a' || c == '_';

    /// <summary>The end of the name that starts at <paramref name="start"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly int ScanName(int start, SearchValues<byte> chars)
    {
        var length = _body[(start + 1)..].IndexOfAnyExcept(chars);
        return length < 0 ? _body.Length : start + 1 + length;
    }

    private readonly int LineAt(int position) => _body[..Math.Min(position, _body.Length)].Count((byte)'\n') + 1;

    private readonly ExpositionFormatException Error(int position, string detail) => new(LineAt(position), detail);

    /// <summary>The token at <paramref name="position"/> for an error message, like Prometheus shows it.</summary>
    private readonly string Got(int position)
    {
        if (position >= _body.Length)
        {
            return "EOF";
        }
        if (_body[position] == '\n')
        {
            return "LINEBREAK";
        }
        var end = position + 1;
        while (end < _body.Length && end - position < 16 && _body[end] is not ((byte)' ' or (byte)'\n'))
        {
            end++;
        }
        return Quote(position, end);
    }

    private readonly string Quote(int start, int end)
    {
        var text = Encoding.UTF8.GetString(_body[start..end]);
        return "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r") + "\"";
    }
}
