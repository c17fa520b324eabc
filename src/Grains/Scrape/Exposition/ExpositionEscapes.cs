using System.Text;

namespace AlloyOrleans.Grains.Scrape.Exposition;

/// <summary>
/// Undoes the escapes of the exposition formats the way Prometheus 2.42 does. Label values (and OpenMetrics HELP)
/// know <c>\\</c>, <c>\"</c> and <c>\n</c>; Prometheus-text HELP knows only <c>\\</c> and <c>\n</c>. Any other
/// backslash sequence is kept verbatim, backslash included.
/// </summary>
internal static class ExpositionEscapes
{
    /// <summary>Writes the unescaped form of <paramref name="raw"/> into <paramref name="destination"/>, which
    /// needs at most <c>raw.Length</c> bytes, and returns the number of bytes written.</summary>
    public static int Unescape(ReadOnlySpan<byte> raw, Span<byte> destination, bool quoteEscape)
    {
        var written = 0;
        var i = 0;
        while (i < raw.Length)
        {
            var backslash = raw[i..].IndexOf((byte)'\\');
            if (backslash < 0)
            {
                raw[i..].CopyTo(destination[written..]);
                return written + raw.Length - i;
            }
            raw.Slice(i, backslash).CopyTo(destination[written..]);
            written += backslash;
            i += backslash;
            var next = i + 1 < raw.Length ? raw[i + 1] : (byte)0;
            switch (next)
            {
                case (byte)'\\':
                    destination[written++] = (byte)'\\';
                    i += 2;
                    break;
                case (byte)'n':
                    destination[written++] = (byte)'\n';
                    i += 2;
                    break;
                case (byte)'"' when quoteEscape:
                    destination[written++] = (byte)'"';
                    i += 2;
                    break;
                default:
                    destination[written++] = (byte)'\\';
                    i++;
                    break;
            }
        }
        return written;
    }

    /// <summary>The unescaped text as a string; allocates only the string when no escape is present.</summary>
    public static string UnescapeToString(ReadOnlySpan<byte> raw, bool quoteEscape)
    {
        if (raw.IndexOf((byte)'\\') < 0)
        {
            return Encoding.UTF8.GetString(raw);
        }
        var buffer = raw.Length <= 512 ? stackalloc byte[raw.Length] : new byte[raw.Length];
        var length = Unescape(raw, buffer, quoteEscape);
        return Encoding.UTF8.GetString(buffer[..length]);
    }
}
