using AlloyOrleans.Grains.Ring;
using BenchmarkDotNet.Attributes;

namespace AlloyOrleans.Benchmarks.Ring;

/// <summary>
/// Ring lookup cost (targets: at most 50 ns at 100 nodes, 100 ns at 1,000 nodes) and ring size and build time
/// (target: at most 6 MB at 1,000 nodes). The set-up prints what a ring retains; the Allocated column of
/// <see cref="Build"/> adds the temporaries of building (the unsorted tokens).
/// </summary>
[MemoryDiagnoser]
public class RingLookupBenchmarks
{
    private const int KeyCount = 4096;

    private HashRing _ring = HashRing.Empty;
    private string[] _names = [];
    private ulong[] _keys = [];

    [Params(100, 1000)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _names = Enumerable.Range(0, Nodes).Select(i => $"alloy-{i}").ToArray();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        _ring = HashRing.Build(_names);
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        var random = new Random(42);
        _keys = Enumerable.Range(0, KeyCount).Select(_ => (ulong)random.NextInt64(long.MinValue, long.MaxValue)).ToArray();
        Console.WriteLine($"// ring at {Nodes} nodes: arrays {_ring.ArrayBytes:N0} bytes, retained after a full GC {retained:N0} bytes");
    }

    /// <summary>Independent lookups of random keys (throughput); reported per lookup.</summary>
    [Benchmark(OperationsPerInvoke = KeyCount)]
    public int Lookup()
    {
        var ring = _ring;
        var sum = 0;
        foreach (var key in _keys)
        {
            sum += ring.OwnerIndex(key);
        }
        return sum;
    }

    /// <summary>
    /// The same lookups, each key depending on the previous answer, so the processor cannot overlap them: the
    /// latency of one lookup rather than the throughput of many.
    /// </summary>
    [Benchmark(OperationsPerInvoke = KeyCount)]
    public int LookupChained()
    {
        var ring = _ring;
        var owner = 0;
        foreach (var key in _keys)
        {
            owner = ring.OwnerIndex(key ^ (uint)owner);
        }
        return owner;
    }

    [Benchmark]
    public HashRing Build() => HashRing.Build(_names);
}
