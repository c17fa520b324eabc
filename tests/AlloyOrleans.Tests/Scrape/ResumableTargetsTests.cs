using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Scrape;
using Xunit;

namespace AlloyOrleans.Tests.Scrape;

/// <summary>
/// A hand-off that falls through gives the target back to this silo: it carries on with its scrape state only when no
/// slot lies between its last one here and its restart (a profile's delta would otherwise count another silo's slots).
/// </summary>
public sealed class ResumableTargetsTests
{
    private const long Interval = 2_000;
    private static readonly TargetRef Target = new("pyroscope.scrape.fleet", 7);

    [Fact]
    public void A_target_restarted_at_the_next_slot_carries_on_with_its_state()
    {
        var resumable = new ResumableTargets(TimeSpan.FromSeconds(5));
        var stopped = Dispatched(10_000);
        stopped.State.ExecutorState = "baseline";
        resumable.Keep(stopped, Interval);

        var resumed = resumable.Resume(Target, 12_000);

        Assert.Same(stopped, resumed);
        Assert.Equal("baseline", resumed.State.ExecutorState);
        Assert.NotSame(stopped, resumable.Resume(Target, 12_000)); // taken once
    }

    [Fact]
    public void A_target_restarted_after_a_slot_it_did_not_scrape_here_starts_afresh_behind_its_scrape_in_flight()
    {
        var resumable = new ResumableTargets(TimeSpan.FromSeconds(5));
        var stopped = Dispatched(10_000);
        stopped.State.ExecutorState = "baseline";
        var lastScrape = new TaskCompletionSource();
        stopped.InFlight = lastScrape.Task;
        resumable.Keep(stopped, Interval);

        var restarted = resumable.Resume(Target, 14_000);

        Assert.NotSame(stopped, restarted);
        Assert.Null(restarted.State.ExecutorState);
        Assert.Same(lastScrape.Task, restarted.InFlight);
    }

    [Fact]
    public void A_target_never_dispatched_here_or_kept_too_long_starts_afresh()
    {
        var resumable = new ResumableTargets(TimeSpan.FromSeconds(5));
        var never = new ScheduledTarget(Target);
        resumable.Keep(never, Interval);
        Assert.NotSame(never, resumable.Resume(Target, 0));

        var stopped = Dispatched(10_000);
        resumable.Keep(stopped, Interval);
        resumable.Expire(10_000 + 10_000); // twice the hand-off timeout, more than three intervals: still kept
        resumable.Expire(10_000 + 10_001);
        Assert.NotSame(stopped, resumable.Resume(Target, 12_000));
    }

    [Fact]
    public void Expiry_keeps_a_target_while_its_hand_off_may_still_fall_through()
    {
        var resumable = new ResumableTargets(TimeSpan.FromSeconds(5));
        var stopped = Dispatched(10_000);
        resumable.Keep(stopped, Interval);
        resumable.Expire(20_000);
        Assert.Same(stopped, resumable.Resume(Target, 12_000));
    }

    private static ScheduledTarget Dispatched(long slotMs) => new(Target) { DispatchedSlotMs = slotMs };
}
