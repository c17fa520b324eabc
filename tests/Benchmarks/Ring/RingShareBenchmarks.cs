using AlloyOrleans.Grains.Ring;
using BenchmarkDotNet.Attributes;

namespace AlloyOrleans.Benchmarks.Ring;

/// <summary>
/// The clustering page's ring shares, computed once per ring (every membership change): 512 tokens per node hashed,
/// sorted and summed. Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*RingShare*' --job short --inProcess
/// </summary>
[MemoryDiagnoser]
public class RingShareBenchmarks
{
    private string[] _nodes = [];

    [Params(3, 100, 1000)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup() => _nodes = [.. Enumerable.Range(0, Nodes).Select(i => $"alloy-{i:D4}.alloy.monitoring.svc")];

    [Benchmark]
    public int Shares() => RingShare.Of(_nodes).Count;
}
