namespace AlloyOrleans.Grains.Scrape.Exposition;

/// <summary>
/// One label of the current series, as it appears in the exposition: the name and the value between its quotes,
/// still escaped. <see cref="HasEscapes"/> tells whether the raw value may be used as it is.
/// </summary>
public readonly ref struct ExpositionLabel
{
    internal ExpositionLabel(ReadOnlySpan<byte> name, ReadOnlySpan<byte> rawValue, bool hasEscapes)
    {
        Name = name;
        RawValue = rawValue;
        HasEscapes = hasEscapes;
    }

    /// <summary>The label name (ASCII: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>).</summary>
    public ReadOnlySpan<byte> Name { get; }

    /// <summary>The UTF-8 value as written, without its quotes; may contain escapes.</summary>
    public ReadOnlySpan<byte> RawValue { get; }

    /// <summary>True when <see cref="RawValue"/> contains a backslash and must be unescaped.</summary>
    public bool HasEscapes { get; }

    /// <summary>Writes the unescaped value to <paramref name="destination"/> (at most <c>RawValue.Length</c>
    /// bytes are needed) and returns its length.</summary>
    public int UnescapeValue(Span<byte> destination)
    {
        if (!HasEscapes)
        {
            RawValue.CopyTo(destination);
            return RawValue.Length;
        }
        return ExpositionEscapes.Unescape(RawValue, destination, quoteEscape: true);
    }

    public string GetName() => System.Text.Encoding.ASCII.GetString(Name);

    /// <summary>The unescaped value as a string.</summary>
    public string GetValue() =>
        HasEscapes
            ? ExpositionEscapes.UnescapeToString(RawValue, quoteEscape: true)
            : System.Text.Encoding.UTF8.GetString(RawValue);
}
