// TEMPORARY: replaced by the ring branch at merge.
using System.IO.Hashing;
using System.Text;
namespace AlloyOrleans.Grains.Ring;
public sealed class HashRing
{
    public static readonly HashRing Empty = new([], [], []);
    private readonly ulong[] _tokens; private readonly int[] _owners; private readonly string[] _nodes;
    private HashRing(ulong[] t, int[] o, string[] n) { _tokens = t; _owners = o; _nodes = n; }
    public IReadOnlyList<string> Nodes => _nodes;
    public static HashRing Build(IEnumerable<string> names)
    {
        var nodes = names.Distinct().OrderBy(n => n, StringComparer.Ordinal).ToArray();
        var list = new List<(ulong, int)>();
        for (var i = 0; i < nodes.Length; i++)
        {
            var h = new XxHash64(); h.Append(Encoding.UTF8.GetBytes(nodes[i]));
            for (var t = 0; t < 512; t++) { h.Append([(byte)t]); list.Add((h.GetCurrentHashAsUInt64(), i)); }
        }
        list.Sort((a, b) => a.Item1 != b.Item1 ? a.Item1.CompareTo(b.Item1) : a.Item2.CompareTo(b.Item2));
        return new HashRing(list.Select(x => x.Item1).ToArray(), list.Select(x => x.Item2).ToArray(), nodes);
    }
    public string? OwnerOf(ulong key)
    {
        if (_tokens.Length == 0) return null;
        var i = Array.BinarySearch(_tokens, key);
        if (i < 0) i = ~i; else while (i > 0 && _tokens[i - 1] == key) i--;
        if (i == _tokens.Length) i = 0;
        return _nodes[_owners[i]];
    }
}
