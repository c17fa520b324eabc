using System.Diagnostics.Metrics;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Telemetry;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// Per-component scrape metrics of this silo, in the <c>prometheus_target_*</c> family that Prometheus' scrape
/// manager uses, labelled by <c>component_id</c> as Alloy labels its components' metrics. The rate of
/// <c>prometheus_target_scrape_samples_total</c> is the samples per second this silo scrapes.
/// </summary>
public sealed class ScrapeMetrics
{
    // Prometheus' default histogram buckets, which is what its own scrape duration histograms use.
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _scrapes;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _samples;
    private long _skippedLate;

    public ScrapeMetrics(IMeterFactory meterFactory)
    {
        var meter = AlloyMeter.For(meterFactory);
        _duration = meter.CreateHistogram("prometheus_target_scrape_duration_seconds",
            description: "Duration of this silo's scrapes, by component.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _scrapes = meter.CreateCounter<long>("prometheus_target_scrapes_total",
            description: "Scrapes this silo performed, by component.");
        _failed = meter.CreateCounter<long>("prometheus_target_scrapes_failed_total",
            description: "Scrapes that failed (up = 0), by component.");
        _samples = meter.CreateCounter<long>("prometheus_target_scrape_samples_total",
            description: "Samples scraped by this silo (before metric relabelling), by component.");
    }

    /// <summary>Slots the workers did not scrape because they were picked up too late (counted with the scheduler's skipped slots).</summary>
    public long SlotsSkippedLate => Interlocked.Read(ref _skippedLate);

    /// <summary>Counts one slot's report; a skipped slot is no scrape, failed or otherwise.</summary>
    public void Record(string componentId, ScrapeReport report)
    {
        if (report.Skipped)
        {
            Interlocked.Increment(ref _skippedLate);
            return;
        }
        var component = new KeyValuePair<string, object?>("component_id", componentId);
        _duration.Record(report.DurationSeconds, component);
        _scrapes.Add(1, component);
        _samples.Add(report.SamplesScraped, component);
        if (!report.Up)
        {
            _failed.Add(1, component);
        }
    }
}
