using AlloyOrleans.Grains.Discovery;
using Xunit;

namespace AlloyOrleans.Tests.Hostile;

public sealed class RetryBackoffTests
{
    /// <summary>discovery.http doubled its backoff without a cap and overflowed after about 40 failures, ending discovery.</summary>
    [Fact]
    public void A_thousand_failures_keep_the_backoff_at_its_cap()
    {
        var max = TimeSpan.FromMinutes(5);
        var backoff = TimeSpan.FromSeconds(1);
        var seen = new List<TimeSpan>();
        for (var i = 0; i < 1000; i++)
        {
            backoff = RetryBackoff.Next(backoff, max);
            seen.Add(backoff);
        }
        Assert.Equal([2, 4, 8, 16, 32, 64, 128, 256, 300], seen.Take(9).Select(b => b.TotalSeconds));
        Assert.All(seen.Skip(8), b => Assert.Equal(max, b));
    }

    [Fact]
    public void The_largest_refresh_interval_does_not_overflow()
    {
        var backoff = TimeSpan.FromSeconds(1);
        for (var i = 0; i < 100; i++)
        {
            backoff = RetryBackoff.Next(backoff, TimeSpan.MaxValue);
        }
        Assert.Equal(TimeSpan.MaxValue, backoff);
    }
}
