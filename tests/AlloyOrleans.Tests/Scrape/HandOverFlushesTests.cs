using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Scrape;
using Xunit;

namespace AlloyOrleans.Tests.Scrape;

/// <summary>The old owner's wait, before it tells the new owner, for the last samples of a handed-over target to be sent.</summary>
public sealed class HandOverFlushesTests
{
    private static readonly TargetRef Moved = new("job", 1);
    private static readonly TargetRef Other = new("job", 2);

    [Fact]
    public async Task The_hand_off_waits_until_the_last_samples_of_the_target_are_sent()
    {
        var flushes = new HandOverFlushes(TimeProvider.System, TimeSpan.FromSeconds(5), CancellationToken.None);
        var sent = new TaskCompletionSource();
        flushes.Track([Moved], sent.Task);
        var wait = flushes.WhenSentAsync([Moved, Other], TimeSpan.FromSeconds(30));
        await Task.Delay(50);
        Assert.False(wait.IsCompleted);
        sent.SetResult();
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await flushes.WhenSentAsync([Moved], TimeSpan.Zero)); // done: nothing left to wait for
    }

    [Fact]
    public async Task A_flush_that_does_not_finish_holds_the_hand_off_only_for_the_bound()
    {
        var flushes = new HandOverFlushes(TimeProvider.System, TimeSpan.FromSeconds(5), CancellationToken.None);
        flushes.Track([Moved], new TaskCompletionSource().Task);
        Assert.False(await flushes.WhenSentAsync([Moved], TimeSpan.FromMilliseconds(50)).WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await flushes.WhenSentAsync([Other], TimeSpan.FromSeconds(30)).WaitAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void The_wait_is_bounded_by_half_the_shortest_interval_and_half_the_hand_off_timeout()
    {
        var flushes = new HandOverFlushes(TimeProvider.System, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(0.5), flushes.BoundFor([TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(1)]));
        Assert.Equal(TimeSpan.FromSeconds(2.5), flushes.BoundFor([TimeSpan.FromSeconds(60)]));
    }
}
