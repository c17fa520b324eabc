using System.Text;
using AlloyOrleans.Grains.Scrape.Exposition;
using Xunit;

namespace AlloyOrleans.Tests.Hostile;

/// <summary>The parse of a body is bounded by the scrape's deadline, so a huge body cannot hold a worker past scrape_timeout.</summary>
public sealed class ParseDeadlineTests
{
    /// <summary>A clock that moves one second every time it is read: time passes only as the reader looks at it.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private long _now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _now, TimeSpan.TicksPerSecond);
    }

    private static readonly byte[] Body = Encoding.UTF8.GetBytes(string.Concat(
        Enumerable.Range(0, 100_000).Select(i => $"series_{i}{{instance=\"host-{i}\"}} {i}\n")));

    [Fact]
    public void A_parse_still_running_at_the_deadline_fails()
    {
        var clock = new SteppingClock();
        var deadline = ParseDeadline.After(clock, clock.GetTimestamp(), TimeSpan.FromSeconds(5));
        var series = 0;
        var error = Assert.Throws<ParseDeadlineExceededException>(() =>
        {
            var reader = new ExpositionReader(Body, ExpositionFormat.PrometheusText, deadline);
            while (reader.Read())
            {
                series++;
            }
        });

        // Five looks at the clock, one per 64 KiB of body: the reader stopped after about 5 x 64 KiB, not at the end.
        Assert.InRange(series, 1, 5 * ParseDeadline.CheckEveryBytes / 20);
        Assert.Contains("scrape_timeout exceeded while parsing", error.Message);
    }

    [Fact]
    public void A_parse_within_the_deadline_reads_everything()
    {
        var deadline = ParseDeadline.After(TimeProvider.System, TimeProvider.System.GetTimestamp(), TimeSpan.FromMinutes(5));
        var reader = new ExpositionReader(Body, ExpositionFormat.PrometheusText, deadline);
        var series = 0;
        while (reader.Read())
        {
            series++;
        }
        Assert.Equal(100_000, series);
    }
}
