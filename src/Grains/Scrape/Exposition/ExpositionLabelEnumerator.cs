namespace AlloyOrleans.Grains.Scrape.Exposition;

/// <summary>
/// Walks the labels of the current series: from the positions the reader recorded while validating them, or, for a
/// series with more labels than it records, by walking the validated text again (<c>name = "value"</c> pairs
/// separated by commas and, in the Prometheus text format, blanks).
/// </summary>
public ref struct ExpositionLabelEnumerator
{
    private readonly ReadOnlySpan<byte> _text;
    private readonly ReadOnlySpan<LabelSpan> _spans;
    private readonly bool _fromSpans;
    private int _position;
    private ExpositionLabel _current;

    internal ExpositionLabelEnumerator(ReadOnlySpan<byte> body, ReadOnlySpan<LabelSpan> spans)
    {
        _text = body;
        _spans = spans;
        _fromSpans = true;
    }

    internal ExpositionLabelEnumerator(ReadOnlySpan<byte> labelText)
    {
        _text = labelText;
    }

    public readonly ExpositionLabel Current => _current;

    public readonly ExpositionLabelEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_fromSpans)
        {
            if (_position >= _spans.Length)
            {
                return false;
            }
            var span = _spans[_position++];
            _current = new ExpositionLabel(
                _text[span.NameStart..span.NameEnd], _text[span.ValueStart..span.ValueEnd], span.HasEscapes);
            return true;
        }
        return MoveNextInText();
    }

    private bool MoveNextInText()
    {
        var text = _text;
        var i = _position;
        while (i < text.Length && text[i] is (byte)' ' or (byte)'\t' or (byte)',')
        {
            i++;
        }
        if (i >= text.Length)
        {
            _position = i;
            return false;
        }
        var nameStart = i;
        var nameLength = text[i..].IndexOfAnyExcept(ExpositionReader.LabelNameChars);
        i += nameLength;
        var name = text.Slice(nameStart, nameLength);
        i += text[i..].IndexOf((byte)'"') + 1;
        var valueStart = i;
        var hasEscapes = false;
        while (true)
        {
            i += text[i..].IndexOfAny((byte)'"', (byte)'\\');
            if (text[i] == '"')
            {
                break;
            }
            hasEscapes = true;
            i += 2;
        }
        _current = new ExpositionLabel(name, text[valueStart..i], hasEscapes);
        _position = i + 1;
        return true;
    }
}
