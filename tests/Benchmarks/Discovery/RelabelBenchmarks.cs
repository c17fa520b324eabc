using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Discovery.Relabel;
using BenchmarkDotNet.Attributes;

namespace AlloyOrleans.Benchmarks.Discovery;

/// <summary>
/// Relabelling one realistic Kubernetes target / series: a typical rule list that keeps, copies and drops labels, one
/// whose rules match nothing (should allocate nothing), and hashmod sharding.
/// Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*Relabel*' --job short
/// </summary>
[MemoryDiagnoser]
public class RelabelBenchmarks
{
    private readonly LabelSet _target = LabelSet.From(
        ("__address__", "10.1.2.3:9100"),
        ("__meta_kubernetes_namespace", "production"),
        ("__meta_kubernetes_pod_name", "web-7d9f8c6b5-x2k4q"),
        ("__meta_kubernetes_pod_label_app", "web"),
        ("__meta_kubernetes_pod_label_pod_template_hash", "7d9f8c6b5"),
        ("__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true"),
        ("__meta_kubernetes_pod_container_name", "app"),
        ("__meta_kubernetes_pod_container_port_name", "metrics"),
        ("__meta_kubernetes_pod_node_name", "node-17"),
        ("__meta_kubernetes_pod_ip", "10.1.2.3"));

    private readonly RelabelRule[] _typical =
    [
        new(["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], regex: "true", action: RelabelAction.Keep),
        new(["__meta_kubernetes_namespace"], targetLabel: "namespace"),
        new(["__meta_kubernetes_pod_name"], targetLabel: "pod"),
        new(["__meta_kubernetes_pod_node_name"], targetLabel: "node"),
        new(regex: "__meta_kubernetes_pod_label_(.+)", replacement: "$1", action: RelabelAction.LabelMap),
    ];

    private readonly RelabelRule[] _nothingMatches =
    [
        new(["__meta_kubernetes_namespace"], regex: "kube-system", action: RelabelAction.Drop),
        new(["__meta_kubernetes_pod_container_port_name"], regex: "metrics", action: RelabelAction.Keep),
        new(["__meta_kubernetes_namespace", "__meta_kubernetes_pod_name"], regex: "kube-.*;.*", action: RelabelAction.Drop),
        new(regex: "__tmp_.*", action: RelabelAction.LabelDrop),
    ];

    private readonly RelabelRule[] _hashmod =
    [
        new(["__address__"], targetLabel: "__tmp_hash", modulus: 8, action: RelabelAction.HashMod),
        new(["__tmp_hash"], regex: "3", action: RelabelAction.Keep),
    ];

    [Benchmark]
    public LabelSet? Typical() => RelabelProcessor.Process(_target, _typical);

    [Benchmark]
    public LabelSet? NothingMatches() => RelabelProcessor.Process(_target, _nothingMatches);

    [Benchmark]
    public LabelSet? HashmodShard() => RelabelProcessor.Process(_target, _hashmod);
}
