extern alias silo;

using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components;
using AlloyOrleans.Grains.Components.Prometheus.Scrape;
using AlloyOrleans.Grains.Scrape;
using silo::AlloyOrleans.Silo.Configuration;
using silo::AlloyOrleans.Silo.Syntax;
using silo::AlloyOrleans.Silo.Syntax.Ast;
using BenchmarkDotNet.Attributes;

namespace AlloyOrleans.Benchmarks.Configuration;

/// <summary>
/// What the component graph spends when discovery publishes a new target list: encoding the exports, comparing them
/// with the previous ones, re-evaluating the prometheus.scrape block that references them and decoding its arguments.
/// </summary>
[MemoryDiagnoser]
public class TargetPropagationBenchmarks
{
    public sealed class Exports
    {
        [Alloy("targets")]
        public IReadOnlyList<LabelSet> Targets { get; init; } = [];
    }

    private sealed class NullSink : ISampleSink
    {
        public ValueTask AppendAsync(IReadOnlyList<Sample> samples, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private Exports _exports = new();
    private AlloyValue _previous = AlloyValue.Null;
    private BlockStatement _scrape = null!;
    private IReadOnlyDictionary<string, AlloyValue> _library = null!;
    private AlloyValue _receiver = AlloyValue.Null;

    [Params(1_000, 10_000)]
    public int Targets { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        LabelSet Target(int i, string generation) => LabelSet.From(
            ("__address__", $"10.0.{i / 250}.{i % 250}:9100"), ("__meta_kubernetes_namespace", "default"),
            ("__meta_kubernetes_pod_name", $"pod-{i}"), ("generation", generation), ("job", "node"));
        _exports = new Exports { Targets = Enumerable.Range(0, Targets).Select(i => Target(i, "b")).ToArray() };
        _previous = ValueEncoder.EncodeObject(new Exports { Targets = Enumerable.Range(0, Targets).Select(i => Target(i, "a")).ToArray() }, typeof(Exports));
        var file = Parser.ParseFile("bench.alloy", "prometheus.scrape \"pods\" {\n\ttargets    = discovery.kubernetes.pods.targets\n\tforward_to = [prometheus.remote_write.default.receiver]\n}\n");
        _scrape = (BlockStatement)file.Body[0];
        _library = StandardLibrary.Create(_ => null, "bench");
        _receiver = AlloyValue.Object(new Dictionary<string, AlloyValue> { ["receiver"] = AlloyValue.Capsule(new NullSink(), typeof(ISampleSink)) });
    }

    [Benchmark]
    public object EncodeCompareEvaluateDecode()
    {
        var encoded = ValueEncoder.EncodeObject(_exports, typeof(Exports));
        if (encoded.Equals(_previous))
        {
            return encoded;
        }
        var scope = new Dictionary<string, AlloyValue>(_library)
        {
            ["discovery"] = Nest("kubernetes", "pods", encoded),
            ["prometheus"] = Nest("remote_write", "default", _receiver),
        };
        var evaluated = EvaluatedBlock.Evaluate(_scrape, scope);
        return BlockDecoder.Decode(evaluated, typeof(ScrapeArguments));
    }

    private static AlloyValue Nest(string family, string label, AlloyValue exports) =>
        AlloyValue.Object(new Dictionary<string, AlloyValue> { [family] = AlloyValue.Object(new Dictionary<string, AlloyValue> { [label] = exports }) });
}
