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

    [Fact]
    public void A_target_handed_over_from_a_slot_ahead_is_scraped_here_up_to_it_and_ends_right_after_its_last_slot()
    {
        var dispatcher = new SlotDispatcher();
        dispatcher.Start(Target, Interval, 10_000);
        Assert.Equal(12_789, dispatcher.HandOver(Target, 12_500)); // the receiver starts at 12 789
        Assert.False(dispatcher.IsHeld(Target));
        Assert.True(dispatcher.IsHandingOver);
        var ended = new List<TargetRef>();
        Assert.Equal([(Target, 10_789L)], dispatcher.TakeDue(10_789, ended: ended));
        Assert.Empty(ended);
        Assert.Equal([(Target, 11_789L)], dispatcher.TakeDue(11_789, ended: ended));
        Assert.Equal([Target], ended);                       // right after its last slot here, not at the handed one
        Assert.False(dispatcher.IsScraping(Target));
        Assert.Empty(dispatcher.TakeDue(13_000));
    }

    [Fact]
    public void A_target_given_back_while_still_scraped_up_to_its_handed_slot_goes_on_without_a_gap_or_a_repeat()
    {
        var dispatcher = new SlotDispatcher();
        dispatcher.Start(Target, Interval, 10_000);
        dispatcher.HandOver(Target, 11_500);                 // handed over from 11 789
        dispatcher.Start(Target, Interval, 11_789);          // refused: held again from there
        Assert.True(dispatcher.IsHeld(Target));
        var slots = Enumerable.Range(0, 5).SelectMany(n => dispatcher.TakeDue(10_789 + n * Interval)).Select(d => d.SlotMs);
        Assert.Equal([10_789L, 11_789, 12_789, 13_789, 14_789], slots);
    }

    [Fact]
    public void A_target_given_back_from_a_later_slot_leaves_the_slots_between_to_the_receiver()
    {
        var dispatcher = new SlotDispatcher();
        dispatcher.Start(Target, Interval, 10_000);
        Assert.Equal(11_789, dispatcher.HandOver(Target, 11_500));
        dispatcher.Start(Target, Interval, 13_500);          // the receiver scrapes 11 789 and 12 789, then hands it back
        var ended = new List<TargetRef>();
        var slots = Enumerable.Range(0, 5).SelectMany(n => dispatcher.TakeDue(10_789 + n * Interval, ended: ended)).Select(d => d.SlotMs);
        Assert.Equal([10_789L, 13_789, 14_789], slots);
        Assert.Empty(ended);
        Assert.Equal(15_789, dispatcher.HandOver(Target, 15_000)); // handed over again: from its next slot, at once
        Assert.False(dispatcher.IsScraping(Target));
    }

    [Fact]
    public void A_loop_late_past_a_handed_slot_skips_only_the_slots_this_silo_still_had_and_ends_the_target()
    {
        var dispatcher = new SlotDispatcher();
        dispatcher.Start(Target, Interval, 10_000);
        dispatcher.HandOver(Target, 11_500);                 // 10 789 is the last slot here
        var ended = new List<TargetRef>();
        Assert.Empty(dispatcher.TakeDue(13_900, ended: ended));
        Assert.Equal(1, dispatcher.SkippedSlots);
        Assert.Equal([Target], ended);
    }

    [Fact]
    public void A_target_held_again_from_a_later_slot_and_handed_over_once_more_is_scraped_only_in_its_own_spans()
    {
        var dispatcher = new SlotDispatcher();
        dispatcher.Start(Target, Interval, 10_000);
        dispatcher.HandOver(Target, 11_500);                 // here: 10 789; the receiver from 11 789
        dispatcher.Start(Target, Interval, 13_500);          // back here from 13 789
        Assert.Equal(14_789, dispatcher.HandOver(Target, 14_000)); // and away again from 14 789, before any of it ran
        var ended = new List<TargetRef>();
        var slots = Enumerable.Range(0, 6).SelectMany(n => dispatcher.TakeDue(10_789 + n * Interval, ended: ended)).Select(d => d.SlotMs);
        Assert.Equal([10_789L, 13_789], slots);
        Assert.Equal([Target], ended);
    }
}
