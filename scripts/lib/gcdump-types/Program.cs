// gcdump-types types DUMP [N]            the N largest types by their total bytes (size classes merged), with counts
// gcdump-types owners DUMP TYPE [MIN]    who holds the objects of TYPE of at least MIN bytes: their owner chains
//                                        (first referrer, four levels up), grouped, with counts, bytes and sizes
using Graphs;

if (args.Length < 2 || args[0] is not ("types" or "owners"))
{
    Console.Error.WriteLine("usage: gcdump-types types DUMP [N] | owners DUMP TYPE [MIN_BYTES]");
    return 2;
}
var graph = new GCHeapDump(args[1]).MemoryGraph;
if (args[0] == "types")
    HeapTypes.Print(graph, args.Length > 2 ? int.Parse(args[2]) : 15);
else
    Owners.Print(graph, args.Length > 2 ? args[2] : "System.Int32[]", args.Length > 3 ? int.Parse(args[3]) : 0);
return 0;

static class TypeNames
{
    // The graph names a type once per size class ("System.Int32[] (Bytes > 1K)"); a type is the name without it.
    public static string Base(string name)
    {
        var sizeClass = name.IndexOf(" (Bytes ", StringComparison.Ordinal);
        return sizeClass < 0 ? name : name[..sizeClass];
    }
}

static class HeapTypes
{
    public static void Print(MemoryGraph graph, int top)
    {
        var node = graph.AllocNodeStorage();
        var type = graph.AllocTypeNodeStorage();
        var perType = new Dictionary<string, (long Bytes, long Count)>();
        for (NodeIndex i = 0; i < graph.NodeIndexLimit; i++)
        {
            var n = graph.GetNode(i, node);
            var name = TypeNames.Base(n.GetType(type).Name);
            perType.TryGetValue(name, out var sum);
            perType[name] = (sum.Bytes + n.Size, sum.Count + 1);
        }
        Console.WriteLine($"live heap (gcdump): {graph.TotalSize:N0} bytes, {graph.NodeCount:N0} objects; largest types (bytes, objects, mean bytes):");
        foreach (var (name, (bytes, count)) in perType.OrderByDescending(t => t.Value.Bytes).Take(top))
            Console.WriteLine($"  {bytes,14:N0} {count,10:N0} {bytes / count,8:N0}  {(name.Length > 110 ? name[..110] : name)}");
    }
}

static class Owners
{
    public static void Print(MemoryGraph graph, string typeName, int minBytes)
    {
        var referrers = new RefGraph(graph);
        var node = graph.AllocNodeStorage();
        var type = graph.AllocTypeNodeStorage();
        var other = graph.AllocNodeStorage();
        var refNode = referrers.AllocNodeStorage();
        var chains = new Dictionary<string, List<int>>();
        for (NodeIndex i = 0; i < graph.NodeIndexLimit; i++)
        {
            var n = graph.GetNode(i, node);
            if (n.Size < minBytes || TypeNames.Base(n.GetType(type).Name) != typeName)
                continue;
            var chain = new List<string>();
            for (var (current, level) = (i, 0); level < 4; level++)
            {
                var parent = referrers.GetNode(current, refNode).GetFirstChildIndex();
                if (parent == NodeIndex.Invalid)
                    break;
                chain.Add(TypeNames.Base(graph.GetNode(parent, other).GetType(type).Name));
                current = parent;
            }
            var key = string.Join(" <- ", chain);
            if (!chains.TryGetValue(key, out var sizes))
                chains[key] = sizes = [];
            sizes.Add(n.Size);
        }
        Console.WriteLine($"{typeName} of at least {minBytes:N0} bytes, by owner chain (count, bytes, size min/median/max):");
        foreach (var (chain, sizes) in chains.OrderByDescending(c => c.Value.Sum(s => (long)s)))
        {
            sizes.Sort();
            Console.WriteLine($"  {sizes.Count,8:N0} {sizes.Sum(s => (long)s),14:N0}  {sizes[0]:N0}/{sizes[sizes.Count / 2]:N0}/{sizes[^1]:N0}\n      <- {chain}");
        }
    }
}
