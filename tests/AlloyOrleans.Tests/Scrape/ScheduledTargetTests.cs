using System.Diagnostics.Metrics;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Scrape;
using Xunit;

namespace AlloyOrleans.Tests.Scrape;

/// <summary>What a slot's report leaves behind: a skipped slot is told apart from a failed scrape.</summary>
public sealed class ScheduledTargetTests
{
    [Fact]
    public void A_skipped_slot_keeps_the_last_scrapes_health_and_is_noted_as_skipped()
    {
        var scheduled = new ScheduledTarget(new TargetRef("job", 1));
        var up = new ScrapeReport(true, 0.01, 42, null);
        scheduled.Record(up, 10_000);
        scheduled.Record(ScrapeReport.SkippedLate, 11_000);
        Assert.Same(up, scheduled.LastReport);
        Assert.Equal(10_000, scheduled.LastScrapeSlotMs);
        Assert.Equal(11_000, scheduled.LastSkippedSlotMs);

        var down = new ScrapeReport(false, 0.01, 0, "connection refused");
        scheduled.Record(down, 12_000);
        Assert.Same(down, scheduled.LastReport);
    }

    [Fact]
    public void A_skipped_slot_is_counted_as_skipped_not_as_a_failed_scrape()
    {
        using var factory = new TestMeterFactory();
        var metrics = new ScrapeMetrics(factory);
        var counted = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => counted[instrument.Name] = counted.GetValueOrDefault(instrument.Name) + value);
        listener.Start();

        metrics.Record("prometheus.scrape.a", ScrapeReport.SkippedLate);
        metrics.Record("prometheus.scrape.a", new ScrapeReport(false, 0.01, 0, "connection refused"));
        Assert.Equal(1, counted.GetValueOrDefault("prometheus_target_scrapes_failed_total"));
        Assert.Equal(1, counted.GetValueOrDefault("prometheus_target_scrapes_total"));
        Assert.Equal(1, metrics.SlotsSkippedLate);
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
