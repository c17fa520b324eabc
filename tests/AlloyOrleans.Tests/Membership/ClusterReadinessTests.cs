using AlloyOrleans.Grains.Membership;
using Xunit;

namespace AlloyOrleans.Tests.Membership;

/// <summary>Alloy's --cluster.wait-for-size / --cluster.wait-timeout rules.</summary>
public sealed class ClusterReadinessTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Without_a_minimum_size_the_cluster_is_always_ready()
    {
        var readiness = new ClusterReadiness(0, TimeSpan.Zero, Start);
        Assert.True(readiness.IsReady);
        Assert.True(readiness.Update(1, Start));
    }

    [Fact]
    public void Below_the_minimum_size_it_waits_and_at_the_size_it_is_ready()
    {
        var readiness = new ClusterReadiness(3, TimeSpan.Zero, Start);
        Assert.False(readiness.Update(2, Start.AddHours(1)));
        Assert.True(readiness.Update(3, Start.AddHours(1)));
    }

    [Fact]
    public void The_timer_starts_at_process_start_and_the_deadline_lets_it_proceed_for_good()
    {
        var readiness = new ClusterReadiness(3, TimeSpan.FromSeconds(30), Start);
        Assert.False(readiness.Update(1, Start.AddSeconds(29)));
        Assert.Equal(Start.AddSeconds(30), readiness.Deadline);
        Assert.True(readiness.Update(1, Start.AddSeconds(30)));
        Assert.True(readiness.Update(1, Start.AddHours(1)));
        Assert.Null(readiness.Deadline);
    }

    [Fact]
    public void A_ready_cluster_that_shrinks_stops_and_restarts_the_timer()
    {
        var readiness = new ClusterReadiness(3, TimeSpan.FromSeconds(30), Start);
        Assert.True(readiness.Update(3, Start.AddSeconds(10)));
        Assert.False(readiness.Update(2, Start.AddSeconds(100)));
        Assert.Equal(Start.AddSeconds(130), readiness.Deadline);
        Assert.False(readiness.Update(2, Start.AddSeconds(129)));
        Assert.True(readiness.Update(2, Start.AddSeconds(130)));
    }

    [Fact]
    public void Without_a_timeout_a_shrunk_cluster_waits_for_ever()
    {
        var readiness = new ClusterReadiness(2, TimeSpan.Zero, Start);
        Assert.True(readiness.Update(2, Start));
        Assert.False(readiness.Update(1, Start.AddDays(7)));
        Assert.Null(readiness.Deadline);
    }
}
