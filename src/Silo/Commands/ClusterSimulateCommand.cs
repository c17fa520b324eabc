using System.Globalization;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Silo.Commands;

/// <summary>
/// <c>alloy-orleans cluster simulate --nodes N --targets T [--seed S]</c>: how evenly a cluster of N silos shares T
/// targets, and how many targets move when one silo joins or leaves — "how many silos do I need" without a cluster.
/// Nodes are named node-0 … node-(N-1); targets are distinct synthetic <c>__address__</c> values drawn from the seed.
/// </summary>
public static class ClusterSimulateCommand
{
    private const string Usage = """
        usage: alloy-orleans cluster simulate --nodes N --targets T [--seed S]

        Builds the ring of N nodes (node-0 .. node-(N-1)) and T synthetic targets with distinct __address__ values,
        then prints each node's share, min/mean/max, and the fraction of targets that move when node-N joins and
        when node-(N-1) leaves. Exits 1 if a move breaks the ring's promise (a join moves targets only to the
        joiner; a leave moves only the leaver's targets).
        """;

    private const int MaxTargets = 10_000_000;

    private static readonly string[] ValueFlags = ["--nodes", "--targets", "--seed"];
    private static readonly int[] Ports = [9100, 9090, 8080, 443, 80, 9115];

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (CommandOptions.WantsHelp(args))
        {
            output.Write(Usage);
            return 0;
        }
        try
        {
            var options = CommandOptions.Parse(args, ValueFlags, []);
            var nodeCount = options.RequiredInt("--nodes", 1, HashRing.MaxNodes - 1);
            var targetCount = options.RequiredInt("--targets", 1, MaxTargets);
            var seed = options.OptionalInt("--seed", 1, int.MinValue, int.MaxValue);
            return Simulate(nodeCount, targetCount, seed, output) ? 0 : 1;
        }
        catch (CommandLineException e)
        {
            error.WriteLine($"cluster simulate: {e.Message}");
            error.WriteLine("run 'alloy-orleans cluster simulate --help' for usage");
            return 1;
        }
    }

    private static bool Simulate(int nodeCount, int targetCount, int seed, TextWriter output)
    {
        var names = Enumerable.Range(0, nodeCount).Select(NodeName).ToArray();
        var keys = TargetKeys(targetCount, seed);
        var ring = HashRing.Build(names);

        output.WriteLine(Invariant($"ring: {nodeCount} nodes x {RingTokens.PerNode} tokens, {targetCount} targets, seed {seed}"));
        output.WriteLine();
        WriteShares(ring, names, keys, output);
        output.WriteLine();

        var joiner = NodeName(nodeCount);
        var joinOk = WriteMoves(
            $"join  {joiner}:", ring, HashRing.Build(names.Append(joiner)), keys, 1.0 / (nodeCount + 1), "1/(N+1)",
            (before, after) => after == joiner, $"all to {joiner}", $"NOT to {joiner}", output);

        if (nodeCount == 1)
        {
            output.WriteLine("leave: not applicable with one node (an empty ring fails open: every silo keeps every target)");
            return joinOk;
        }
        var leaver = names[^1];
        var leaveOk = WriteMoves(
            $"leave {leaver}:", ring, HashRing.Build(names[..^1]), keys, 1.0 / nodeCount, "1/N",
            (before, after) => before == leaver, $"all from {leaver}", $"NOT from {leaver}", output);
        return joinOk && leaveOk;
    }

    private static string NodeName(int index) => Invariant($"node-{index}");

    /// <summary>Keys of <paramref name="count"/> distinct synthetic targets, the same for the same seed.</summary>
    private static ulong[] TargetKeys(int count, int seed)
    {
        var random = new Random(seed);
        var addresses = new HashSet<string>(count, StringComparer.Ordinal);
        var keys = new ulong[count];
        var made = 0;
        while (made < count)
        {
            var address = Invariant($"10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}:{Ports[random.Next(Ports.Length)]}");
            if (addresses.Add(address))
            {
                keys[made++] = TargetKey.Compute(LabelSet.From(("__address__", address)));
            }
        }
        return keys;
    }

    private static void WriteShares(HashRing ring, string[] names, ulong[] keys, TextWriter output)
    {
        var byRingIndex = new int[ring.Nodes.Count];
        foreach (var key in keys)
        {
            byRingIndex[ring.OwnerIndex(key)]++;
        }
        var ringIndex = new Dictionary<string, int>(ring.Nodes.Count, StringComparer.Ordinal);
        for (var i = 0; i < ring.Nodes.Count; i++)
        {
            ringIndex[ring.Nodes[i]] = i;
        }

        var width = Math.Max("node".Length, names.Max(n => n.Length));
        output.WriteLine(Invariant($"{"node".PadRight(width)}  {"targets",10}  {"share",7}"));
        foreach (var name in names)
        {
            var count = byRingIndex[ringIndex[name]];
            output.WriteLine(Invariant($"{name.PadRight(width)}  {count,10}  {Percent(count, keys.Length),7}"));
        }

        var mean = keys.Length / (double)names.Length;
        var min = byRingIndex.Min();
        var max = byRingIndex.Max();
        output.WriteLine();
        output.WriteLine(Invariant($"min {min} ({Percent(min, mean)} of mean), mean {mean:F1}, max {max} ({Percent(max, mean)} of mean); max/mean {max / mean:F3}"));
    }

    /// <summary>Counts the targets whose owner differs between the rings and checks each move against <paramref name="allowed"/>.</summary>
    private static bool WriteMoves(
        string label, HashRing before, HashRing after, ulong[] keys, double expected, string expectedName,
        Func<string, string, bool> allowed, string okText, string badText, TextWriter output)
    {
        var moved = 0;
        var wrong = 0;
        foreach (var key in keys)
        {
            var from = before.Owner(key)!;
            var to = after.Owner(key)!;
            if (from != to)
            {
                moved++;
                if (!allowed(from, to))
                {
                    wrong++;
                }
            }
        }
        var verdict = wrong == 0 ? okText : Invariant($"{wrong} {badText}");
        output.WriteLine(Invariant($"{label} {moved} of {keys.Length} targets move ({Percent(moved, keys.Length)}; {expectedName} = {Percent(expected, 1)}), {verdict}"));
        return wrong == 0;
    }

    private static string Percent(double part, double whole) => Invariant($"{100 * part / whole:F2}%");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
