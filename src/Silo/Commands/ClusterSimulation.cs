using System.Diagnostics;
using AlloyOrleans.Grains.Placement;
using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Silo.Commands;

/// <summary>
/// Places a fleet on a simulated cluster of N nodes (node-0 … node-(N-1)) the way the silos would, and measures the
/// load per node and the share of samples that moves when node-N joins and when node-(N-1) leaves.
/// </summary>
public static class ClusterSimulation
{
    public const string BalanceTargets = "targets";
    public const string BalanceSamples = "samples";

    public static SimulationResult Run(SimulatedFleet fleet, int nodeCount, string balance)
    {
        var clock = Stopwatch.StartNew();
        var names = Enumerable.Range(0, nodeCount).Select(NodeName).ToArray();
        var ring = HashRing.Build(names);
        Func<HashRing, Assignment> place = ring => Assignment.PlainRing(ring);
        if (balance == BalanceSamples)
        {
            // As a cluster converges: the first table is placed fresh, then published anchored to that placement, and
            // that anchored table is what every silo places again when one joins or leaves.
            var table = Table(fleet);
            var anchored = table.AnchoredTo(BoundedLoadPlacement.Place(ring, table), table.Version + 1);
            place = r => BoundedLoadPlacement.Place(r, anchored);
        }
        var placed = place(ring);
        var nodes = Loads(fleet, placed);
        var ringNodes = balance == BalanceTargets ? nodes : Loads(fleet, Assignment.PlainRing(ring));

        var joiner = NodeName(nodeCount);
        var join = Moves(fleet, placed, place(HashRing.Build(names.Append(joiner))), joiner, 1.0 / (nodeCount + 1),
            (before, after) => after == joiner);
        Move? leave = null;
        if (nodeCount > 1)
        {
            var leaver = names[^1];
            leave = Moves(fleet, placed, place(HashRing.Build(names[..^1])), leaver, 1.0 / nodeCount,
                (before, after) => before == leaver);
        }

        var mean = fleet.TotalSamples / nodeCount;
        var lowerBound = Math.Max(fleet.Samples.Max(), mean) / mean;
        clock.Stop();
        return new SimulationResult(balance, nodes, PeakToMean(nodes, mean), PeakToMean(ringNodes, mean), lowerBound,
            join, leave, clock.Elapsed, Process.GetCurrentProcess().PeakWorkingSet64);
    }

    public static string NodeName(int index) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"node-{index}");

    /// <summary>The table a cluster would publish for the fleet: each target's samples on the weight grid.</summary>
    private static TargetWeights Table(SimulatedFleet fleet)
    {
        var keys = fleet.Keys.ToArray();
        var weights = fleet.Samples.Select(WeightBuckets.Quantize).ToArray();
        Array.Sort(keys, weights);
        return TargetWeights.FromSorted(1, keys, weights);
    }

    private static NodeLoad[] Loads(SimulatedFleet fleet, Assignment assignment)
    {
        var targets = new int[assignment.Ring.Nodes.Count];
        var samples = new double[targets.Length];
        for (var i = 0; i < fleet.Count; i++)
        {
            var owner = assignment.OwnerIndex(fleet.Keys[i]);
            targets[owner]++;
            samples[owner] += fleet.Samples[i];
        }
        // Nodes in numeric order (node-2 before node-10), as an operator reads them.
        return [.. assignment.Ring.Nodes.Select((name, i) => new NodeLoad(name, targets[i], samples[i]))
            .OrderBy(n => int.Parse(n.Name.AsSpan("node-".Length), System.Globalization.CultureInfo.InvariantCulture))];
    }

    private static double PeakToMean(IEnumerable<NodeLoad> nodes, double mean) => nodes.Max(n => n.Samples) / mean;

    private static Move Moves(SimulatedFleet fleet, Assignment before, Assignment after, string node, double ideal, Func<string, string, bool> expected)
    {
        var moved = 0;
        var wrong = 0;
        double movedSamples = 0;
        for (var i = 0; i < fleet.Count; i++)
        {
            var from = before.Owner(fleet.Keys[i])!;
            var to = after.Owner(fleet.Keys[i])!;
            if (!ReferenceEquals(from, to) && from != to)
            {
                moved++;
                movedSamples += fleet.Samples[i];
                if (!expected(from, to))
                {
                    wrong++;
                }
            }
        }
        return new Move(node, moved, movedSamples / fleet.TotalSamples, ideal, wrong);
    }
}

/// <summary>What one simulation found.</summary>
/// <param name="RingPeakToMean">The same figure for today's plain ring, to compare against.</param>
/// <param name="LowerBound">Peak/mean no placement can beat: the largest target, or the mean, over the mean.</param>
public sealed record SimulationResult(
    string Balance,
    IReadOnlyList<NodeLoad> Nodes,
    double PeakToMean,
    double RingPeakToMean,
    double LowerBound,
    Move Join,
    Move? Leave,
    TimeSpan Elapsed,
    long PeakWorkingSetBytes);

public sealed record NodeLoad(string Name, int Targets, double Samples);

/// <summary>A join or leave: targets that changed owner, their share of samples, the ideal share, and moves the plain ring forbids.</summary>
public sealed record Move(string Node, int Targets, double SamplesShare, double IdealShare, int Unexpected);
