using AlloyOrleans.Grains.Placement;
using AlloyOrleans.Grains.Ring;
using BenchmarkDotNet.Attributes;

namespace AlloyOrleans.Benchmarks.Placement;

/// <summary>
/// Who owns a target under load-aware placement — what the ownership planner asks for every target at every
/// reconcile — against the plain ring's lookup: a binary search over the table's keys, then the ring for keys the
/// table does not know (targets discovered since it was published). Reported per lookup.
/// </summary>
[MemoryDiagnoser]
public class AssignmentLookupBenchmarks
{
    private const int KeyCount = 4096;

    private HashRing _ring = HashRing.Empty;
    private Assignment _assignment = Assignment.PlainRing(HashRing.Empty);
    private ulong[] _tableKeys = [];
    private ulong[] _unknownKeys = [];

    [Params(10, 100, 1000)]
    public int Nodes { get; set; }

    [Params(10_000, 100_000)]
    public int Targets { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ring = HashRing.Build(Enumerable.Range(0, Nodes).Select(i => $"alloy-{i}"));
        var table = PlacementBenchmarks.HeavyTailedFleet(Targets);
        _assignment = BoundedLoadPlacement.Place(_ring, table);
        var random = new Random(7);
        _tableKeys = [.. Enumerable.Range(0, KeyCount).Select(_ => table.Keys[random.Next(table.Count)])];
        _unknownKeys = [.. Enumerable.Range(0, KeyCount).Select(_ => (ulong)random.NextInt64(long.MinValue, long.MaxValue))];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = KeyCount)]
    public int PlainRing()
    {
        var sum = 0;
        foreach (var key in _tableKeys)
        {
            sum += _ring.OwnerIndex(key);
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public int TableKey()
    {
        var sum = 0;
        foreach (var key in _tableKeys)
        {
            sum += _assignment.OwnerIndex(key);
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public int KeyNotInTable()
    {
        var sum = 0;
        foreach (var key in _unknownKeys)
        {
            sum += _assignment.OwnerIndex(key);
        }
        return sum;
    }
}
