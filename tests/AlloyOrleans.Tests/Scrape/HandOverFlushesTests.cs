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
        var flushes = new HandOverFlushes(TimeProvider.System);
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
        var flushes = new HandOverFlushes(TimeProvider.System);
        flushes.Track([Moved], new TaskCompletionSource().Task);
        Assert.False(await flushes.WhenSentAsync([Moved], TimeSpan.FromMilliseconds(50)).WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await flushes.WhenSentAsync([Other], TimeSpan.FromSeconds(30)).WaitAsync(TimeSpan.FromSeconds(1)));
    }
}
