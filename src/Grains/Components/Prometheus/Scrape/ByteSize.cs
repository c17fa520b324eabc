using System.Globalization;

namespace AlloyOrleans.Grains.Components.Prometheus.Scrape;

/// <summary>
/// Sizes as Prometheus' <c>body_size_limit</c> reads them: a byte count, or a number with a unit where KB and KiB
/// alike mean 1024 bytes (base 2).
/// </summary>
public static class ByteSize
{
    public static long Parse(string text) =>
        TryParse(text, out var bytes) ? bytes : throw new FormatException($"invalid size \"{text}\"");

    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var s = text.Trim();
        var split = 0;
        while (split < s.Length && (char.IsAsciiDigit(s[split]) || s[split] == '.'))
        {
            split++;
        }
        if (split == 0 || !double.TryParse(s.AsSpan(0, split), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }
        double? multiplier = s[split..].ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            "G" or "GB" or "GIB" => 1L << 30,
            "T" or "TB" or "TIB" => 1L << 40,
            "P" or "PB" or "PIB" => 1L << 50,
            _ => null,
        };
        if (multiplier is null || number * multiplier.Value > long.MaxValue)
        {
            return false;
        }
        bytes = (long)(number * multiplier.Value);
        return true;
    }
}
