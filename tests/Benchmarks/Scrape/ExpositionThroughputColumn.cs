using AlloyOrleans.Grains.Scrape.Exposition;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace AlloyOrleans.Benchmarks.Scrape;

/// <summary>
/// Megabytes of exposition parsed per second (10^6 bytes), from the mean or from the fastest iteration. On a shared
/// machine the fastest iteration is the least disturbed one, so both are shown.
/// </summary>
internal sealed class ExpositionThroughputColumn(bool fastest) : ExpositionColumn
{
    public override string ColumnName => fastest ? "MB/s (best)" : "MB/s (mean)";

    public override string Legend => $"Exposition bytes parsed per second, in 10^6 bytes, from the {(fastest ? "fastest iteration" : "mean")}";

    protected override string Value(BenchmarkReport report, (byte[] Body, int Series) exposition) =>
        report.ResultStatistics is { } statistics
            ? (exposition.Body.Length / ((fastest ? statistics.Min : statistics.Mean) / 1e9) / 1e6).ToString("F0")
            : "-";
}

/// <summary>Bytes allocated per sample read, from the memory diagnoser's bytes per operation.</summary>
internal sealed class AllocationPerSampleColumn : ExpositionColumn
{
    public override string ColumnName => "B/sample";

    public override string Legend => "Bytes allocated per sample read";

    protected override string Value(BenchmarkReport report, (byte[] Body, int Series) exposition) =>
        report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) is { } bytes
            ? ((double)bytes / exposition.Series).ToString("F1")
            : "-";
}

internal abstract class ExpositionColumn : IColumn
{
    public string Id => GetType().Name + ColumnName;

    public abstract string ColumnName { get; }

    public abstract string Legend { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        if (report is null || benchmarkCase.Parameters["Format"] is not ExpositionFormat format)
        {
            return "-";
        }
        return Value(report, ExpositionReaderBenchmarks.Exposition(format));
    }

    protected abstract string Value(BenchmarkReport report, (byte[] Body, int Series) exposition);
}
