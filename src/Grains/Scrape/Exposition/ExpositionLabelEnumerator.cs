namespace AlloyOrleans.Grains.Scrape.Exposition;

/// <summary>
/// Walks the labels of a series whose text the reader has already validated: <c>name = "value"</c> pairs
/// separated by commas and, in the Prometheus text format, blanks.
/// </summary>
public ref struct ExpositionLabelEnumerator
{
    private readonly ReadOnlySpan<byte> _labels;
    private int _position;
    private ExpositionLabel _current;

    internal ExpositionLabelEnumerator(ReadOnlySpan<byte> labels)
    {
        _labels = labels;
        _position = 0;
        _current = default;
    }

    public readonly ExpositionLabel Current => _current;

    public readonly ExpositionLabelEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        var text = _labels;
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
