using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ownership;
using AlloyOrleans.Grains.Ring;
using BenchmarkDotNet.Attributes;

namespace AlloyOrleans.Benchmarks.Ownership;

/// <summary>
/// The ownership recompute a silo runs every second and on every membership change (<c>ScrapeScheduler.Reconcile</c>):
/// the target specs rebuilt from the registry, a fresh view, and the planner's pass over every target. Every silo
/// discovers every target, so the pass covers the cluster's targets, not the silo's share: with <see cref="Nodes"/>
/// = 1 the silo holds them all (the one-silo scale run: 4,000 node_exporter-sized targets are 2M series); with 16 (the
/// 16-silo run: 2,000 targets) or 100 it holds its share and still passes over all. The time must grow linearly with the targets: compare the mean per
/// reconcile across <see cref="Targets"/>. <see cref="RebuiltSpecs"/> rebuilds the specs on every pass (the scheduler
/// before it kept them while the registry is unchanged), <see cref="CachedSpecs"/> passes the same ones.
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
    private Dictionary<TargetRef, TargetSpec> _specs = [];

    [Params(1_000, 2_000, 4_000, 16_000, 64_000)]
    public int Targets { get; set; }

    [Params(1, 16, 100)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(12);
        _keys = [.. Enumerable.Range(0, Targets).Select(_ => (ulong)random.NextInt64(long.MinValue, long.MaxValue))];
        _ring = HashRing.Build(Enumerable.Range(0, Nodes).Select(i => $"silo-{i}"));
        _planner = new OwnershipPlanner("silo-0", new OwnershipTimings());
        _nowMs = 1_700_000_000_000;
        _specs = Specs();
        // Alone, every target is acquired at once (no peers to ask) and held from here on; among peers the silo's own
        // share stays in acquisition (asked, no answers yet) and the rest is other silos'.
        RebuiltSpecs();
        if (Nodes == 1 && _planner.Dispatcher.Count != Targets)
        {
            throw new InvalidOperationException($"held {_planner.Dispatcher.Count} of {Targets} targets");
        }
    }

    /// <summary>What the scheduler did under its lock each second: specs rebuilt, view, reconcile.</summary>
    [Benchmark(Baseline = true)]
    public int RebuiltSpecs() => Reconcile(Specs());

    /// <summary>What it does now: the specs are rebuilt only when the registry changed.</summary>
    [Benchmark]
    public int CachedSpecs() => Reconcile(_specs);

    private Dictionary<TargetRef, TargetSpec> Specs()
    {
        var specs = new Dictionary<TargetRef, TargetSpec>(_keys.Length);
        foreach (var key in _keys)
        {
            specs[new TargetRef(Component, key)] = new TargetSpec(IntervalMs, Clustered: true);
        }
        return specs;
    }

    private int Reconcile(Dictionary<TargetRef, TargetSpec> specs)
    {
        _planner.SetTargets(specs);
        _planner.SetView(new OwnershipView("silo-0", 1, isReady: true, localHoldsName: true, _ring, RingAssignment.Instance));
        _nowMs += 1_000;
        var actions = _planner.Reconcile(_nowMs);
        return actions.Started.Count + actions.Stopped.Count;
    }
}
