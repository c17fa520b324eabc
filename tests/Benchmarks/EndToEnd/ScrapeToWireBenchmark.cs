using AlloyOrleans.Grains.Scrape.Exposition;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.RemoteWrite.Queue;
using AlloyOrleans.Grains.RemoteWrite.Wal;
using AlloyOrleans.Grains.Scrape;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlloyOrleans.Benchmarks.EndToEnd;

/// <summary>
/// The whole path of one scrape of the real node_exporter capture (scripts/bench-data/node-exporter.prom, 507 series)
/// with an unchanged series set: parse and label (the scraper's series cache), append to the WAL (a real one in a
/// temporary directory), and encode the remote write batches a shard would send. Figures are per sample
/// (OperationsPerInvoke), so Allocated is bytes per scraped sample. The stages alone show where the cost goes.
/// With <see cref="Targets"/> = 1000 each invocation scrapes the next of 1,000 targets (507k series, the size of
/// scripts/bench-vs-agent.sh --targets 1000), so the series caches and the WAL's tables no longer fit in the CPU cache.
/// Run in process: dotnet run -c Release --project tests/Benchmarks -- --filter '*ScrapeToWire*' --job short --inProcess
/// On a shared machine, read the Min column: contention only ever adds time.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class ScrapeToWireBenchmark
{
    private const int Series = 507;
    private const int BatchSize = 2_000; // max_samples_per_send

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scrape-to-wire-" + Guid.NewGuid().ToString("N"));
    private readonly WriteRequestEncoder _encoder = new();
    private TargetScrapeState[] _states = [];
    private ScrapeTarget[] _targets = [];
    private int _next;
    private byte[] _body = [];
    private ScrapeJob _job = null!;
    private WriteAheadLog _wal = null!;
    private List<Sample> _samples = [];
    private long _slotMs = 1_700_000_000_000;

    [Params(1, 1000)]
    public int Targets { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = File.ReadAllBytes(Capture());
        _job = new ScrapeJob { ComponentId = "prometheus.scrape.bench", JobName = "bench" };
        _targets = [.. Enumerable.Range(0, Targets).Select(i =>
            ScrapeTarget.Create(_job, LabelSet.From(("__address__", "127.0.0.1:9100"), ("target", i.ToString())), out var error)
            ?? throw new InvalidOperationException(error))];
        _states = [.. _targets.Select(_ => new TargetScrapeState())];
        // Bounded, so a long run does not fill the disk; dropping old segments is part of the steady state.
        _wal = WriteAheadLog.Open(_directory, new WalOptions { MaxDiskUsageBytes = 256L << 20 }, NullLogger.Instance, SegmentFiles.Default);
        WalRecord record = null!;
        for (var i = 0; i < Targets; i++)
        {
            var samples = Scrape();
            if (samples.Count != Series)
            {
                throw new InvalidOperationException($"the capture gave {samples.Count} samples, not {Series}");
            }
            record = _wal.AppendAsync(samples, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
        Console.WriteLine($"// WAL record of one scrape: {record.Next.Offset - record.Start.Offset} B " +
            $"({(record.Next.Offset - record.Start.Offset) / (double)Series:F2} B/sample; labels are in the series file once)");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _wal.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Series)]
    public int ParseAndLabel() => Scrape().Count;

    [Benchmark(OperationsPerInvoke = Series)]
    public long ParseLabelAndAppend()
    {
        var samples = Scrape();
        return _wal.AppendAsync(samples, CancellationToken.None).AsTask().GetAwaiter().GetResult().Next.Offset;
    }

    /// <summary>
    /// As <see cref="ParseLabelAndAppend"/>, with every series' <see cref="LabelSet.SeriesRef"/> forgotten first: the
    /// WAL then finds each id by hashing the labels, as it did before it kept the id on the set (the loop that forgets
    /// them costs ~1 ns a sample on top).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Series)]
    public long ParseLabelAndAppendWithoutSeriesRef()
    {
        var samples = Scrape();
        foreach (var sample in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(samples))
        {
            sample.Labels.SeriesRef = 0;
        }
        return _wal.AppendAsync(samples, CancellationToken.None).AsTask().GetAwaiter().GetResult().Next.Offset;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Series)]
    public int ParseLabelAppendEncode()
    {
        var samples = Scrape();
        _wal.AppendAsync(samples, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var bytes = 0;
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(samples);
        for (var i = 0; i < span.Length; i += BatchSize)
        {
            bytes += _encoder.EncodeCompressed(span[i..Math.Min(span.Length, i + BatchSize)], []).Length;
        }
        return bytes;
    }

    /// <summary>One scrape of the next target as TargetScraper reads it: cached series, their labels built once.</summary>
    private List<Sample> Scrape()
    {
        var i = _next;
        _next = (_next + 1) % _targets.Length;
        var state = _states[i];
        state.ScrapeNumber++;
        if (i == 0)
        {
            _slotMs += 15_000;
        }
        // A list from the scraper's pool, as the scraper hands it to its sinks (which keep no reference to it).
        SampleListPool.Return(_samples);
        _samples = SampleListPool.Rent();
        TargetScraper.ReadSamples(_job, _targets[i], state, _body, "text/plain; version=0.0.4", ParseDeadline.After(TimeProvider.System, TimeProvider.System.GetTimestamp(), TimeSpan.FromMinutes(1)), _slotMs, _samples);
        return _samples;
    }

    private static string Capture()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var path = Path.Combine(directory.FullName, "scripts", "bench-data", "node-exporter.prom");
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new FileNotFoundException("scripts/bench-data/node-exporter.prom not found above " + AppContext.BaseDirectory);
    }
}
