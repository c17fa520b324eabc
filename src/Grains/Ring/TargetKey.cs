using System.Buffers;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;
using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Ring;

/// <summary>
/// The ring key of a target, as Alloy computes it: xxHash64 (seed 0) over the target's labels in name order, each
/// written as <c>name 0xFF value 0xFF</c>, leaving out discovery metadata (<c>__meta_*</c>) so that metadata churn
/// does not move a target. Equal keys mean the same target.
/// </summary>
public static class TargetKey
{
    public const string MetaLabelPrefix = "__meta_";

    private const byte Separator = 0xFF;

    // Most targets are a few hundred bytes; larger ones borrow a pooled buffer so hashing never allocates.
    private const int StackBytes = 1024;

    // The buffer is written before it is read, so skip zeroing it on every call.
    [SkipLocalsInit]
    public static ulong Compute(LabelSet labels)
    {
        Span<byte> buffer = stackalloc byte[StackBytes];
        byte[]? rented = null;
        try
        {
            var length = 0;
            foreach (var label in labels.AsSpan())
            {
                if (IsMeta(label.Name))
                {
                    continue;
                }
                var needed = Encoding.UTF8.GetMaxByteCount(label.Name.Length + label.Value.Length) + 2;
                if (buffer.Length - length < needed)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, length + needed));
                    buffer[..length].CopyTo(larger);
                    if (rented is not null)
                    {
                        ArrayPool<byte>.Shared.Return(rented);
                    }
                    buffer = rented = larger;
                }
                length += WriteUtf8(label.Name, buffer[length..]);
                buffer[length++] = Separator;
                length += WriteUtf8(label.Value, buffer[length..]);
                buffer[length++] = Separator;
            }
            return XxHash64.HashToUInt64(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public static bool IsMeta(string labelName) => labelName.StartsWith(MetaLabelPrefix, StringComparison.Ordinal);

    /// <summary>Label names and most values are ASCII; the direct ASCII narrowing is much cheaper than the general encoder.</summary>
    private static int WriteUtf8(string text, Span<byte> destination) =>
        Ascii.FromUtf16(text, destination, out var written) == OperationStatus.Done
            ? written
            : Encoding.UTF8.GetBytes(text, destination);
}
