using System.Globalization;
using System.Text;

namespace AlloyOrleans.Grains.Scrape.Exposition;

/// <summary>
/// Parses sample values and OpenMetrics timestamps the way Prometheus 2.42 does: Go's <c>strconv.ParseFloat</c>
/// restricted to decimal notation (no hex floats, no digit separators), <c>Inf</c>/<c>Infinity</c> with an optional
/// sign and <c>NaN</c> without one, all case-insensitive. Out-of-range values are errors, as in Go.
/// </summary>
internal static class PrometheusFloat
{
    /// <summary>Prometheus' canonical NaN (<c>value.NormalNaN</c>); every parsed NaN is reported with these bits.</summary>
    public const ulong NormalNaNBits = 0x7ff8000000000001;

    public static readonly double NormalNaN = BitConverter.UInt64BitsToDouble(NormalNaNBits);

    private const ulong MaxExactMantissa = 1UL << 53;

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>Parses <paramref name="text"/>; returns an error message like Go's, or null on success.</summary>
    public static string? TryParse(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty)
        {
            return "invalid syntax";
        }
        var i = 0;
        var negative = false;
        if (text[0] is (byte)'+' or (byte)'-')
        {
            negative = text[0] == '-';
            i = 1;
        }

        ulong mantissa = 0;
        var mantissaExact = true;
        var digits = 0;
        var fractionDigits = 0;
        var sawDot = false;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if ((uint)(c - '0') <= 9)
            {
                digits++;
                if (sawDot)
                {
                    fractionDigits++;
                }
                if (mantissa < MaxExactMantissa)
                {
                    mantissa = mantissa * 10 + (uint)(c - '0');
                }
                else
                {
                    mantissaExact = false;
                }
            }
            else if (c == '.' && !sawDot)
            {
                sawDot = true;
            }
            else
            {
                break;
            }
        }
        if (digits == 0)
        {
            return TryParseSpecial(text, out value) ? null : "invalid syntax";
        }

        var exponent = 0;
        if (i < text.Length)
        {
            if ((text[i] | 0x20) != 'e')
            {
                return "invalid syntax";
            }
            i++;
            var negativeExponent = false;
            if (i < text.Length && text[i] is (byte)'+' or (byte)'-')
            {
                negativeExponent = text[i] == '-';
                i++;
            }
            if (i == text.Length)
            {
                return "invalid syntax";
            }
            for (; i < text.Length; i++)
            {
                var c = text[i];
                if ((uint)(c - '0') > 9)
                {
                    return "invalid syntax";
                }
                if (exponent < 100_000)
                {
                    exponent = exponent * 10 + (c - '0');
                }
            }
            if (negativeExponent)
            {
                exponent = -exponent;
            }
        }

        // Clinger's fast path: an exact mantissa times or divided by an exact power of ten rounds correctly.
        var scale = exponent - fractionDigits;
        if (mantissaExact && mantissa <= MaxExactMantissa && scale is >= -22 and <= 22)
        {
            double result = mantissa;
            result = scale >= 0 ? result * PowersOfTen[scale] : result / PowersOfTen[-scale];
            value = negative ? -result : result;
            return null;
        }

        // The grammar is already checked; .NET's parser rounds correctly.
        value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsInfinity(value) ? "value out of range" : null;
    }

    private static bool TryParseSpecial(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        var sign = 1.0;
        var body = text;
        if (text[0] is (byte)'+' or (byte)'-')
        {
            sign = text[0] == '-' ? -1 : 1;
            body = text[1..];
        }
        else if (Ascii.EqualsIgnoreCase(body, "nan"u8))
        {
            value = NormalNaN;
            return true;
        }
        if (Ascii.EqualsIgnoreCase(body, "inf"u8) || Ascii.EqualsIgnoreCase(body, "infinity"u8))
        {
            value = sign * double.PositiveInfinity;
            return true;
        }
        return false;
    }
}
