using AlloyOrleans.Grains.Pyroscope;
using AlloyOrleans.Grains.Pyroscope.Pprof;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace AlloyOrleans.Benchmarks.Pyroscope;

/// <summary>
/// The per-scrape CPU of a memory profile target, on two real <c>/debug/pprof/allocs</c> profiles captured a minute
/// apart from a Prometheus 2.42 under query load (<c>tests/AlloyOrleans.Tests/Data/Pprof/</c>): decoding (gunzip, protobuf, validation),
/// the cumulative-to-delta step between the two, and the whole scrape path (decode, delta, gzip the delta for push).
/// Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*Pprof*'
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class PprofBenchmarks
{
    private static readonly IReadOnlyList<(string Type, string Unit)> Cumulative = ProfileType.CumulativeSampleTypes("memory")!;

    private byte[] _previousBody = [];
    private byte[] _currentBody = [];
    private Profile _previous = null!;
    private Profile _current = null!;

    [GlobalSetup]
    public void Setup()
    {
        _previousBody = File.ReadAllBytes(DataFile("prometheus-allocs-1.pb.gz"));
        _currentBody = File.ReadAllBytes(DataFile("prometheus-allocs-2.pb.gz"));
        _previous = ProfileDecoder.Decode(_previousBody, 0);
        _current = ProfileDecoder.Decode(_currentBody, 0);
        Console.WriteLine($"// current profile: {_currentBody.Length} bytes gzip'd, {_current.Sample.Count} samples, {_current.Location.Count} locations, {_current.StringTable.Count} strings");
    }

    [Benchmark]
    public int Decode() => ProfileDecoder.Decode(_currentBody, 0).Sample.Count;

    /// <summary>A new owner's first two scrapes: the baseline, then the delta.</summary>
    [Benchmark]
    public int DeltaOfTwoProfiles()
    {
        var delta = new ProfileDeltaComputer(Cumulative);
        delta.Next(_previous);
        return delta.Next(_current)!.Sample.Count;
    }

    /// <summary>What a silo does per memory scrape once the baseline is there: decode, delta, gzip for push.</summary>
    [Benchmark]
    public int ScrapePath()
    {
        var delta = new ProfileDeltaComputer(Cumulative);
        delta.Next(_previous);
        return ProfileDecoder.EncodeGzip(delta.Next(ProfileDecoder.Decode(_currentBody, 0))!).Length;
    }

    private static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "Data", "Pprof", name);

    private sealed class Config : ManualConfig
    {
        public Config() =>
            // In-process: the out-of-process toolchain looks for a project named like the assembly (it is not).
            AddJob(Job.ShortRun.WithIterationCount(15).WithToolchain(InProcessEmitToolchain.Instance));
    }
}
