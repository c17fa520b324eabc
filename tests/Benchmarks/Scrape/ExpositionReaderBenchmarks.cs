using AlloyOrleans.Grains.Scrape.Exposition;
using AlloyOrleans.Tests.Scrape.Exposition;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace AlloyOrleans.Benchmarks.Scrape;

/// <summary>
/// Parses a node_exporter-like exposition of about 290 KB (3,702 series) (text 0.0.4 and OpenMetrics).
/// <c>ReadSeries</c> is the steady-state scrape path (name, labels as spans, value, timestamp);
/// <c>ReadSeriesAndCreateLabelSets</c> adds the allocation a scrape pays for series it has not cached yet.
/// Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*ExpositionReader*'
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class ExpositionReaderBenchmarks
{
    internal const int Groups = 100;

    private byte[] _body = [];

    [Params(ExpositionFormat.PrometheusText, ExpositionFormat.OpenMetrics)]
    public ExpositionFormat Format { get; set; }

    [GlobalSetup]
    public void Setup() => _body = Exposition(Format).Body;

    internal static (byte[] Body, int Series) Exposition(ExpositionFormat format) =>
        NodeExporterLikeExposition.Generate(Groups, format == ExpositionFormat.OpenMetrics);

    [Benchmark(Baseline = true)]
    public int ReadSeries()
    {
        var reader = new ExpositionReader(_body, Format);
        var checksum = 0;
        while (reader.Read())
        {
            if (reader.Kind != EntryKind.Series)
            {
                continue;
            }
            checksum += reader.MetricName.Length;
            foreach (var label in reader.Labels)
            {
                checksum += label.Name.Length + label.RawValue.Length;
            }
            checksum += (int)reader.Value + (int)(reader.TimestampMs ?? 0);
        }
        return checksum;
    }

    [Benchmark]
    public int ReadSeriesAndCreateLabelSets()
    {
        var reader = new ExpositionReader(_body, Format);
        var checksum = 0;
        while (reader.Read())
        {
            if (reader.Kind == EntryKind.Series)
            {
                checksum += reader.CreateLabelSet().Count;
            }
        }
        return checksum;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // In-process: the out-of-process toolchain looks for a project named like the assembly (it is not).
            // Fifteen iterations so that, on a shared machine, the fastest one ("best") is rarely disturbed.
            AddJob(Job.ShortRun.WithIterationCount(15).WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(StatisticColumn.Min, new ExpositionThroughputColumn(fastest: false), new ExpositionThroughputColumn(fastest: true),
                new AllocationPerSampleColumn());
        }
    }
}
