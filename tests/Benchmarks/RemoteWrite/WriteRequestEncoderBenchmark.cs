using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.RemoteWrite;
using AlloyOrleans.Grains.RemoteWrite.Queue;
using AlloyOrleans.Grains.RemoteWrite.Wal;
using BenchmarkDotNet.Attributes;

namespace AlloyOrleans.Benchmarks.RemoteWrite;

/// <summary>
/// Encoding (and snappy compression) of a 2,000-sample remote write batch; figures are per sample
/// (OperationsPerInvoke). The project's assembly name differs from its file name, so run it in process:
/// dotnet run -c Release --project tests/Benchmarks -- --filter '*WriteRequestEncoder*' --job short --inProcess
/// On a shared machine, read the Min column: contention only ever adds time.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class WriteRequestEncoderBenchmark
{
    private readonly WriteRequestEncoder _encoder = new();
    private readonly CodedOutputStreamEncoder _coded = new();
    private Sample[] _batch = [];
    private Label[] _external = [];

    /// <summary>Label sets as scrape caches hold them (ids of shared strings), or as arrays of labels.</summary>
    [Params(false, true)]
    public bool Compact { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _batch = RealisticBatch.Create();
        if (Compact)
        {
            // One label set instance per series, as the scrape caches hand them to the queue.
            _batch = [.. _batch.Select(s => s with { Labels = LabelSet.Compact(s.Labels) })];
        }
        _external = [new Label("replica", "silo-1")];
        var raw = _encoder.Encode(_batch, _external).Length;
        var compressed = _encoder.EncodeCompressed(_batch, _external).Length;
        Console.WriteLine($"// batch of {RealisticBatch.Size}: protobuf {raw} B ({raw / (double)RealisticBatch.Size:F1} B/sample), " +
            $"snappy {compressed} B ({compressed / (double)RealisticBatch.Size:F1} B/sample)");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RealisticBatch.Size)]
    public int Encode() => _encoder.Encode(_batch, _external).Length;

    [Benchmark(OperationsPerInvoke = RealisticBatch.Size)]
    public int EncodeAndCompress() => _encoder.EncodeCompressed(_batch, _external).Length;

    [Benchmark(OperationsPerInvoke = RealisticBatch.Size)]
    public int EncodeWithCodedOutputStream() => _coded.Encode(_batch);
}
