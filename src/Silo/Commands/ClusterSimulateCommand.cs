using System.Globalization;
using System.Text.Json;
using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Silo.Commands;

/// <summary>
/// <c>alloy-orleans cluster simulate --nodes N (--targets T | --targets-file FILE) [--balance targets|samples]
/// [--seed S] [--output text|json]</c>: how evenly a cluster of N silos shares a fleet, and how much moves when one
/// silo joins or leaves — "how many silos do I need" and "will load-aware placement help" without a cluster.
/// </summary>
public static class ClusterSimulateCommand
{
    private const string Usage = """
        usage: alloy-orleans cluster simulate --nodes N (--targets T | --targets-file FILE)
                                              [--balance targets|samples] [--seed S] [--output text|json]

        Places the targets on N nodes (node-0 .. node-(N-1)) and prints each node's targets and samples, peak/mean
        samples, and the share of samples that moves when node-N joins and when node-(N-1) leaves.
          --targets T          T synthetic targets with distinct __address__ values, one sample each (drawn from --seed)
          --targets-file FILE  a JSON array of {"labels": {...}, "samples": <samples per scrape>}
          --balance            targets: the plain ring (default, as Alloy); samples: load-aware placement, printed
                               beside the plain ring's figure
          --output json        one object: {"nodes": [{"name", "targets", "samples"}], "peak_to_mean",
                               "moved_on_join", "moved_on_leave", ...}
        With --balance targets, exits 1 if a move breaks the ring's promise (a join moves targets only to the
        joiner; a leave moves only the leaver's targets).
        """;

    private const int MaxTargets = 10_000_000;

    private static readonly string[] ValueFlags = ["--nodes", "--targets", "--targets-file", "--balance", "--seed", "--output"];

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
            var balance = options.Choice("--balance", ClusterSimulation.BalanceTargets, ClusterSimulation.BalanceTargets, ClusterSimulation.BalanceSamples);
            var format = options.Choice("--output", "text", "text", "json");
            var file = options.Optional("--targets-file");
            if (file is not null == options.Optional("--targets") is not null)
            {
                throw new CommandLineException("give exactly one of --targets and --targets-file");
            }
            var fleet = file is not null
                ? SimulatedFleet.Read(file)
                : SimulatedFleet.Synthetic(options.RequiredInt("--targets", 1, MaxTargets), options.OptionalInt("--seed", 1, int.MinValue, int.MaxValue));

            var result = ClusterSimulation.Run(fleet, nodeCount, balance);
            if (format == "json")
            {
                WriteJson(result, output);
            }
            else
            {
                WriteText(fleet, result, output);
            }
            // The plain ring promises its moves go only to a joiner or only from a leaver; load-aware placement
            // trades that for balance, and its moves are judged against the ideal share instead.
            return balance == ClusterSimulation.BalanceTargets && (result.Join.Unexpected > 0 || result.Leave?.Unexpected > 0) ? 1 : 0;
        }
        catch (CommandLineException e)
        {
            error.WriteLine($"cluster simulate: {e.Message}");
            error.WriteLine("run 'alloy-orleans cluster simulate --help' for usage");
            return 1;
        }
    }

    private static void WriteText(SimulatedFleet fleet, SimulationResult result, TextWriter output)
    {
        var nodes = result.Nodes;
        output.WriteLine(Invariant($"ring: {nodes.Count} nodes x {RingTokens.PerNode} tokens, {fleet.Count} targets, {fleet.TotalSamples:0} samples per scrape, balance {result.Balance}"));
        if (fleet.Duplicates > 0)
        {
            output.WriteLine(Invariant($"({fleet.Duplicates} entries left out: same target key as an earlier entry)"));
        }
        output.WriteLine();

        var width = Math.Max("node".Length, nodes.Max(n => n.Name.Length));
        output.WriteLine(Invariant($"{"node".PadRight(width)}  {"targets",10}  {"share",7}  {"samples",14}  {"share",7}"));
        foreach (var node in nodes)
        {
            output.WriteLine(Invariant($"{node.Name.PadRight(width)}  {node.Targets,10}  {Percent(node.Targets, fleet.Count),7}  {node.Samples,14:0}  {Percent(node.Samples, fleet.TotalSamples),7}"));
        }

        var meanTargets = fleet.Count / (double)nodes.Count;
        var minTargets = nodes.Min(n => n.Targets);
        var maxTargets = nodes.Max(n => n.Targets);
        output.WriteLine();
        output.WriteLine(Invariant($"min {minTargets} ({Percent(minTargets, meanTargets)} of mean), mean {meanTargets:F1}, max {maxTargets} ({Percent(maxTargets, meanTargets)} of mean); max/mean {maxTargets / meanTargets:F3}"));
        output.WriteLine(Invariant($"samples peak/mean {result.PeakToMean:F3} (plain ring {result.RingPeakToMean:F3}; no placement can beat {result.LowerBound:F3})"));

        output.WriteLine(MoveLine("join ", result.Join, fleet.Count, "1/(N+1)", $"all to {result.Join.Node}", $"NOT to {result.Join.Node}", result.Balance));
        if (result.Leave is { } leave)
        {
            output.WriteLine(MoveLine("leave", leave, fleet.Count, "1/N", $"all from {leave.Node}", $"NOT from {leave.Node}", result.Balance));
        }
        else
        {
            output.WriteLine("leave: not applicable with one node (an empty ring fails open: every silo keeps every target)");
        }
        output.WriteLine(Invariant($"took {result.Elapsed.TotalSeconds:F2} s (3 placements), peak working set {result.PeakWorkingSetBytes / (1024.0 * 1024):F0} MiB"));
    }

    private static string MoveLine(string label, Move move, int total, string idealName, string okText, string badText, string balance)
    {
        var line = Invariant($"{label} {move.Node}: {move.Targets} of {total} targets move ({idealName} = {Percent(move.IdealShare, 1)}), {Percent(move.SamplesShare, 1)} of samples ({move.SamplesShare / move.IdealShare:F2}x ideal)");
        // The plain ring's promise; load-aware placement may also shift other nodes' overflow.
        return balance == ClusterSimulation.BalanceTargets
            ? line + ", " + (move.Unexpected == 0 ? okText : Invariant($"{move.Unexpected} {badText}"))
            : line;
    }

    private static void WriteJson(SimulationResult result, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("balance", result.Balance);
            json.WriteStartArray("nodes");
            foreach (var node in result.Nodes)
            {
                json.WriteStartObject();
                json.WriteString("name", node.Name);
                json.WriteNumber("targets", node.Targets);
                json.WriteNumber("samples", node.Samples);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteNumber("peak_to_mean", result.PeakToMean);
            json.WriteNumber("ring_peak_to_mean", result.RingPeakToMean);
            json.WriteNumber("lower_bound_peak_to_mean", result.LowerBound);
            json.WriteNumber("moved_on_join", result.Join.SamplesShare);
            json.WriteNumber("ideal_moved_on_join", result.Join.IdealShare);
            if (result.Leave is { } leave)
            {
                json.WriteNumber("moved_on_leave", leave.SamplesShare);
                json.WriteNumber("ideal_moved_on_leave", leave.IdealShare);
            }
            else
            {
                json.WriteNull("moved_on_leave");
                json.WriteNull("ideal_moved_on_leave");
            }
            json.WriteNumber("seconds", Math.Round(result.Elapsed.TotalSeconds, 3));
            json.WriteNumber("peak_working_set_bytes", result.PeakWorkingSetBytes);
            json.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static string Percent(double part, double whole) => Invariant($"{100 * part / whole:F2}%");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
