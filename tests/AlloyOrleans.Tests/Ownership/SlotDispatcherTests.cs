using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ownership;
using AlloyOrleans.Grains.Scrape;
using Xunit;

namespace AlloyOrleans.Tests.Ownership;

/// <summary>The slot grid of held targets: what is due, where a stopped target resumes, late loops and reloads.</summary>
public sealed class SlotDispatcherTests
{
    private const long Interval = 1000;
    private static readonly TargetRef Target = new("job", 123_456_789); // offset 789 on a 1 s grid

    [Fact]
    public void A_started_target_is_due_on_its_grid_and_moves_on_by_one_interval()
    {
        var dispatcher = new SlotDispatcher();
        dispatcher.Start(Target, Interval, 10_000);
        Assert.Equal(10_789, dispatcher.NextDueMs);
        Assert.Empty(dispatcher.TakeDue(10_788));
        Assert.Equal([(Target, 10_789L)], dispatcher.TakeDue(10_789));
        Assert.Equal(11_789, dispatcher.NextSlot(Target));
    }

    [Fact]
    public void Stopping_after_a_slot_was_dispatched_hands_over_the_following_slot_and_not_the_dispatched_one_again()
    {
        var dispatcher = new SlotDispatcher();
        dispatcher.Start(Target, Interval, 10_000);
        dispatcher.TakeDue(10_800); // slot 10 789 goes to a worker
        // The receiver starts at the first slot not dispatched here: 10 789 is scraped once (here), 11 789 there.
        Assert.Equal(11_789, dispatcher.Stop(Target));
        Assert.Empty(dispatcher.TakeDue(20_000));
    }

    [Fact]
    public void A_loop_late_by_more_than_an_interval_resumes_at_the_latest_slot_so_no_timestamp_lies_an_interval_back()
    {
        var dispatcher = new SlotDispatcher();
        dispatcher.Start(Target, Interval, 10_000);
        var due = dispatcher.TakeDue(13_900); // 10 789, 11 789, 12 789 are over an interval old
        var (_, slot) = Assert.Single(due);
        Assert.Equal(13_789, slot);
        Assert.InRange(13_900 - slot, 0, Interval - 1);
        Assert.Equal(3, dispatcher.SkippedSlots);
    }

    [Fact]
    public void While_fenced_due_slots_are_skipped_not_started()
    {
        var dispatcher = new SlotDispatcher();
        dispatcher.Start(Target, Interval, 10_000);
        Assert.Empty(dispatcher.TakeDue(10_800, fenced: true));
        Assert.Equal(1, dispatcher.SkippedSlots);
        Assert.Equal([(Target, 11_789L)], dispatcher.TakeDue(11_800));
    }

    [Fact]
    public void An_interval_change_moves_a_running_target_onto_the_new_grid()
    {
        var dispatcher = new SlotDispatcher();
        dispatcher.Start(Target, Interval, 10_000);
        dispatcher.TakeDue(10_800);
        dispatcher.ChangeInterval(Target, 5_000, 10_900);
        var next = dispatcher.NextSlot(Target)!.Value;
        Assert.Equal(ScrapeSlots.AtOrAfter(Target.Key, 5_000, 10_900), next);
        Assert.Equal((long)(Target.Key % 5_000), next % 5_000);
        Assert.True(next > 10_789);
    }
}
