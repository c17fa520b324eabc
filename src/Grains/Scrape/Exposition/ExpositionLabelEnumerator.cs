namespace AlloyOrleans.Grains.Scrape.Exposition;

/// <summary>Walks the labels of the current series, from the positions the reader recorded while validating them.</summary>
public ref struct ExpositionLabelEnumerator
{
    private readonly ReadOnlySpan<byte> _body;
    private readonly ReadOnlySpan<LabelSpan> _spans;
    private int _position;
    private ExpositionLabel _current;

    internal ExpositionLabelEnumerator(ReadOnlySpan<byte> body, ReadOnlySpan<LabelSpan> spans)
    {
        _body = body;
        _spans = spans;
    }

    public readonly ExpositionLabel Current => _current;

    public readonly ExpositionLabelEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_position >= _spans.Length)
        {
            return false;
        }
        var span = _spans[_position++];
        _current = new ExpositionLabel(_body[span.NameStart..span.NameEnd], _body[span.ValueStart..span.ValueEnd], span.HasEscapes);
        return true;
    }
}
