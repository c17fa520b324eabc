using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components.Prometheus.Relabel;
using AlloyOrleans.Grains.Discovery.Relabel;
using AlloyOrleans.Grains.Scrape;
using BenchmarkDotNet.Attributes;

namespace AlloyOrleans.Benchmarks.Discovery;

/// <summary>
/// prometheus.relabel's receiver on a 1,000-sample scrape of series it has seen before (the steady state: every
/// lookup hits the cache) and with the cache disabled (every sample relabelled).
/// Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*RelabellingSink*' --job short --inProcess
/// </summary>
[MemoryDiagnoser]
public class RelabellingSinkBenchmarks
{
    private sealed class DiscardingSink : ISampleSink
    {
        public ValueTask AppendAsync(IReadOnlyList<Sample> samples, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private readonly RelabelRule[] _rules =
    [
        new(["__name__"], regex: "go_gc_.*", action: RelabelAction.Drop),
        new(["instance"], regex: "([^:]+):.*", targetLabel: "host"),
        new(regex: "pod_template_hash", action: RelabelAction.LabelDrop),
    ];

    private Sample[] _scrape = [];
    private RelabellingSampleSink _cached = null!;
    private RelabellingSampleSink _uncached = null!;

    [GlobalSetup]
    public void Setup()
    {
        _scrape = Enumerable.Range(0, 1000).Select(i => new Sample(
            LabelSet.From(
                ("__name__", i % 10 == 0 ? "go_gc_duration_seconds" : $"node_metric_{i % 100}"),
                ("instance", "10.1.2.3:9100"),
                ("job", "node"),
                ("cpu", (i / 100).ToString()),
                ("pod_template_hash", "7d9f8c6b5")),
            1_700_000_000_000, i)).ToArray();
        _cached = new RelabellingSampleSink("prometheus.relabel.cached");
        _cached.Configure(_rules, [new DiscardingSink()], 100_000);
        _uncached = new RelabellingSampleSink("prometheus.relabel.uncached");
        _uncached.Configure(_rules, [new DiscardingSink()], 0);
        _cached.AppendAsync(_scrape, default).AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public ValueTask CacheHit() => _cached.AppendAsync(_scrape, default);

    [Benchmark(OperationsPerInvoke = 1000)]
    public ValueTask NoCache() => _uncached.AppendAsync(_scrape, default);
}
