using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ring;
using BenchmarkDotNet.Attributes;

namespace AlloyOrleans.Benchmarks.Ring;

/// <summary>
/// Recomputing who owns 100,000 targets after a membership change: hash every target's labels and look the key up
/// in the new ring (target: under 20 ms). Targets look like Kubernetes pods: address, path, a few target labels and
/// discovery metadata that the key leaves out.
/// </summary>
[MemoryDiagnoser]
public class TargetOwnershipBenchmarks
{
    private const int TargetCount = 100_000;

    private LabelSet[] _targets = [];
    private HashRing _ring = HashRing.Empty;
    private int[] _owners = [];
    private ulong[] _keys = [];

    [Params(10, 100)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ring = HashRing.Build(Enumerable.Range(0, Nodes).Select(i => $"alloy-{i}"));
        _owners = new int[TargetCount];
        _targets = Enumerable.Range(0, TargetCount).Select(i => LabelSet.From(
            ("__address__", $"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}:9100"),
            ("__metrics_path__", "/metrics"),
            ("__scheme__", "http"),
            ("job", "kubernetes-pods"),
            ("namespace", $"team-{i % 37}"),
            ("pod", $"app-{i % 997}-{i:x6}"),
            ("__meta_kubernetes_pod_name", $"app-{i % 997}-{i:x6}"),
            ("__meta_kubernetes_pod_node_name", $"worker-{i % 211}"),
            ("__meta_kubernetes_pod_label_app_kubernetes_io_name", $"app-{i % 997}"))).ToArray();
        _keys = _targets.Select(TargetKey.Compute).ToArray();
    }

    [Benchmark]
    public int HashAndOwn100kTargets()
    {
        var ring = _ring;
        var owners = _owners;
        for (var i = 0; i < _targets.Length; i++)
        {
            owners[i] = ring.OwnerIndex(TargetKey.Compute(_targets[i]));
        }
        return owners[^1];
    }

    /// <summary>Keys do not depend on membership, so a scheduler that keeps them pays only this after a change.</summary>
    [Benchmark]
    public int Own100kCachedKeys()
    {
        var ring = _ring;
        var owners = _owners;
        var keys = _keys;
        for (var i = 0; i < keys.Length; i++)
        {
            owners[i] = ring.OwnerIndex(keys[i]);
        }
        return owners[^1];
    }

    [Benchmark]
    public ulong Hash100kTargets()
    {
        var keys = _keys;
        for (var i = 0; i < _targets.Length; i++)
        {
            keys[i] = TargetKey.Compute(_targets[i]);
        }
        return keys[^1];
    }
}
