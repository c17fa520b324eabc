using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ownership;
using AlloyOrleans.Grains.Ring;
using BenchmarkDotNet.Attributes;

namespace AlloyOrleans.Benchmarks.Ownership;

/// <summary>
/// The ownership recompute a silo runs every second and on every membership change (<c>ScrapeScheduler.Reconcile</c>):
/// the target specs rebuilt from the registry, a fresh view, and the planner's pass over every target — here on one
/// silo holding all its targets, as in the one-silo scale run. The time must grow linearly with the targets: compare
/// the mean per reconcile across <see cref="Targets"/> (4,000 node_exporter-sized targets are 2M series).
/// </summary>
[MemoryDiagnoser]
public class PlannerReconcileBenchmarks
{
    private const string Component = "prometheus.scrape.bench";
    private const long IntervalMs = 15_000;

    private OwnershipPlanner _planner = new("silo-0", new OwnershipTimings());
    private HashRing _ring = HashRing.Empty;
    private ulong[] _keys = [];
    private long _nowMs;

    [Params(1_000, 4_000, 16_000, 64_000)]
    public int Targets { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(12);
        _keys = [.. Enumerable.Range(0, Targets).Select(_ => (ulong)random.NextInt64(long.MinValue, long.MaxValue))];
        _ring = HashRing.Build(["silo-0"]);
        _planner = new OwnershipPlanner("silo-0", new OwnershipTimings());
        _nowMs = 1_700_000_000_000;
        Reconcile(); // every target is acquired (no peers to ask) and held from here on
        if (_planner.Dispatcher.Count != Targets)
        {
            throw new InvalidOperationException($"held {_planner.Dispatcher.Count} of {Targets} targets");
        }
    }

    /// <summary>What the scheduler does under its lock each second: specs, view, reconcile.</summary>
    [Benchmark]
    public int Reconcile()
    {
        var specs = new Dictionary<TargetRef, TargetSpec>(_keys.Length);
        foreach (var key in _keys)
        {
            specs[new TargetRef(Component, key)] = new TargetSpec(IntervalMs, Clustered: true);
        }
        _planner.SetTargets(specs);
        _planner.SetView(new OwnershipView("silo-0", 1, isReady: true, localHoldsName: true, _ring, RingAssignment.Instance));
        _nowMs += 1_000;
        var actions = _planner.Reconcile(_nowMs);
        return actions.Started.Count + actions.Stopped.Count;
    }
}
