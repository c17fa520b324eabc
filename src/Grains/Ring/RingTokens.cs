using System.IO.Hashing;

namespace AlloyOrleans.Grains.Ring;

/// <summary>
/// The positions a node takes on the ring, derived from its name alone so that every silo computes the same ring
/// (Alloy/ckit compatible): one running xxHash64 digest (seed 0) over the UTF-8 name, extended by one byte
/// (<c>t mod 256</c>) per token and read after each byte. The digest is never reset, so tokens beyond 256 still differ.
/// </summary>
public static class RingTokens
{
    /// <summary>Tokens per node; Alloy's clustering uses 512.</summary>
    public const int PerNode = 512;

    /// <summary>Writes the first <c>destination.Length</c> tokens of <paramref name="utf8Name"/> into <paramref name="destination"/>.</summary>
    public static void Generate(ReadOnlySpan<byte> utf8Name, Span<ulong> destination)
    {
        var digest = new XxHash64();
        digest.Append(utf8Name);
        Span<byte> step = stackalloc byte[1];
        for (var t = 0; t < destination.Length; t++)
        {
            step[0] = unchecked((byte)t);
            digest.Append(step);
            destination[t] = digest.GetCurrentHashAsUInt64();
        }
    }
}
