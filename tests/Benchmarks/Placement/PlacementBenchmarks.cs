using AlloyOrleans.Grains.Placement;
using AlloyOrleans.Grains.Ring;
using BenchmarkDotNet.Attributes;

namespace AlloyOrleans.Benchmarks.Placement;

/// <summary>
/// Load-aware placement of a heavy-tailed fleet (bounded Pareto, shape 1.0, 10–100,000 samples): a fresh placement (a
/// first table), an anchored one (every silo after a published table), and an anchored one after a join. Every silo
/// places once per table version or membership change; <c>cluster simulate</c> places three times.
/// </summary>
[MemoryDiagnoser]
public class PlacementBenchmarks
{
    private HashRing _ring = HashRing.Empty;
    private HashRing _joined = HashRing.Empty;
    private TargetWeights _fresh = TargetWeights.Empty;
    private TargetWeights _anchored = TargetWeights.Empty;

    [Params(10, 100, 1000)]
    public int Nodes { get; set; }

    [Params(10_000, 100_000)]
    public int Targets { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var names = Enumerable.Range(0, Nodes).Select(i => $"alloy-{i}").ToArray();
        _ring = HashRing.Build(names);
        _joined = HashRing.Build([.. names, "alloy-joiner"]);
        _fresh = HeavyTailedFleet(Targets);
        _anchored = _fresh.AnchoredTo(BoundedLoadPlacement.Place(_ring, _fresh), 2);
    }

    /// <summary>Bounded-Pareto sizes (shape 1.0, 10–100,000 samples) on random keys, from a fixed seed.</summary>
    internal static TargetWeights HeavyTailedFleet(int targets)
    {
        var random = new Random(42);
        var weights = new Dictionary<ulong, long>(targets);
        while (weights.Count < targets)
        {
            var u = random.NextDouble();
            weights[(ulong)random.NextInt64(long.MinValue, long.MaxValue)] = (long)Math.Round(1 / (1 / 10.0 - u * (1 / 10.0 - 1 / 100_000.0)));
        }
        return TargetWeights.Create(1, weights);
    }

    [Benchmark(Baseline = true)]
    public Assignment Fresh() => BoundedLoadPlacement.Place(_ring, _fresh);

    [Benchmark]
    public Assignment Anchored() => BoundedLoadPlacement.Place(_ring, _anchored);

    [Benchmark]
    public Assignment AnchoredAfterJoin() => BoundedLoadPlacement.Place(_joined, _anchored);
}
