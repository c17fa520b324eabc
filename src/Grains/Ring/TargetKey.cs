using System.Buffers;
using System.IO.Hashing;
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
    private const int StackLimit = 1024;

    public static ulong Compute(LabelSet labels)
    {
        var span = labels.AsSpan();
        var bound = 0;
        foreach (var label in span)
        {
            if (!IsMeta(label.Name))
            {
                bound += Encoding.UTF8.GetMaxByteCount(label.Name.Length + label.Value.Length) + 2;
            }
        }

        byte[]? rented = null;
        var buffer = bound <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(bound));
        try
        {
            var length = 0;
            foreach (var label in span)
            {
                if (IsMeta(label.Name))
                {
                    continue;
                }
                length += Encoding.UTF8.GetBytes(label.Name, buffer[length..]);
                buffer[length++] = Separator;
                length += Encoding.UTF8.GetBytes(label.Value, buffer[length..]);
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
}
