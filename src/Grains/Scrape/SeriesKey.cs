using System.IO.Hashing;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// The key of a series in a target's scrape cache: the 128-bit XxHash128 of its exposition text (<c>name{labels}</c>),
/// held as two 64-bit halves because <see cref="UInt128"/> is 16-byte aligned, which pads every dictionary entry to 48
/// bytes where these take 40.
/// </summary>
internal readonly record struct SeriesKey(ulong Low, ulong High)
{
    public static SeriesKey Of(ReadOnlySpan<byte> exposition)
    {
        var hash = XxHash128.HashToUInt128(exposition);
        return new SeriesKey((ulong)hash, (ulong)(hash >> 64));
    }

    // The bits of a good hash are already uniform: any 32 of them make a dictionary hash.
    public override int GetHashCode() => (int)Low;
}
