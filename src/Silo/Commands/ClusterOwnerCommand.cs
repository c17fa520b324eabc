using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Silo.Commands;

/// <summary>
/// <c>alloy-orleans cluster owner --nodes a,b,c --target '{__address__="h:9100"}' [--verbose]</c>: which node of a
/// cluster scrapes a target, computed exactly as the silos compute it — "why is this target on that node" without
/// a running cluster.
/// </summary>
public static class ClusterOwnerCommand
{
    private const string Usage = """
        usage: alloy-orleans cluster owner --nodes NAME[,NAME...] --target '{name="value", ...}' [--verbose]

        Prints the node that owns the target on the ring of the given node names (--cluster.node-name of each
        silo). --verbose also prints the target's ring key and the labels it is computed from (__meta_* left out).
        """;

    private static readonly string[] ValueFlags = ["--nodes", "--target"];
    private static readonly string[] Switches = ["--verbose"];

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (CommandOptions.WantsHelp(args))
        {
            output.Write(Usage);
            return 0;
        }
        try
        {
            var options = CommandOptions.Parse(args, ValueFlags, Switches);
            var nodes = ParseNodes(options.Required("--nodes"));
            var target = ParseTarget(options.Required("--target"));

            var key = TargetKey.Compute(target);
            var owner = HashRing.Build(nodes).Owner(key)!;
            output.WriteLine(owner);
            if (options.Has("--verbose"))
            {
                output.WriteLine($"key: {key:x16}");
                output.WriteLine($"hashed labels: {LabelSet.From(target.Where(l => !TargetKey.IsMeta(l.Name)))}");
            }
            return 0;
        }
        catch (CommandLineException e)
        {
            error.WriteLine($"cluster owner: {e.Message}");
            error.WriteLine("run 'alloy-orleans cluster owner --help' for usage");
            return 1;
        }
    }

    private static string[] ParseNodes(string list)
    {
        var nodes = list.Split(',', StringSplitOptions.TrimEntries);
        if (nodes.Any(n => n.Length == 0))
        {
            throw new CommandLineException($"--nodes: empty node name in '{list}'");
        }
        return nodes;
    }

    private static LabelSet ParseTarget(string text)
    {
        try
        {
            return LabelSetNotation.Parse(text);
        }
        catch (LabelSetFormatException e)
        {
            throw new CommandLineException($"--target: {e.Message}");
        }
    }
}
