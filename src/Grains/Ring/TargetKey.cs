// TEMPORARY: replaced by the ring branch at merge.
using System.IO.Hashing;
using System.Text;
using AlloyOrleans.Grains.Abstractions;
namespace AlloyOrleans.Grains.Ring;
public static class TargetKey
{
    public static ulong Compute(LabelSet labels)
    {
        var h = new XxHash64();
        foreach (var l in labels)
        {
            if (l.Name.StartsWith("__meta_", StringComparison.Ordinal)) continue;
            h.Append(Encoding.UTF8.GetBytes(l.Name)); h.Append([0xFF]); h.Append(Encoding.UTF8.GetBytes(l.Value)); h.Append([0xFF]);
        }
        return h.GetCurrentHashAsUInt64();
    }
}
