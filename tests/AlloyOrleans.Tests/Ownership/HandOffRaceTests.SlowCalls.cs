using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ownership;
using Xunit;
using static AlloyOrleans.Tests.Ownership.OwnershipScenario;

namespace AlloyOrleans.Tests.Ownership;

/// <summary>
/// The races of slow calls: a starved process (eight silos started at once on two cores) passes a call on a second or
/// more late, within the hand-off timeout. A hand-off whose round trip took longer than the time to the sender's next
/// slot plus an interval lost that slot (session 3's eight-silo runs: a push accepted 1.9 s after its slot, interval
/// 2 s; the simulation once its calls are now and then slow, e.g. seed 32: a release answered in time, decided on
/// 1.4 s later because another peer's answer was slow). The others are what the simulation found next, with hand-offs
/// that name a slot ahead and rounds that last longer: each names its seed.
/// </summary>
public sealed partial class HandOffRaceTests
{
    [Fact]
    public void A_push_that_lands_more_than_an_interval_after_the_senders_next_slot_loses_no_slot()
    {
        var (a, target) = Holding("a", ["a", "b"], 10_000, ownerOf: "b");
        var scrapedByA = Scraped(a, target, 10_000, 10_950);
        var push = a.Reconcile(10_950).Pushes["b"].Single();
        var b = Planner("b", ["a", "b"], target);
        var lands = 10_950 + Timings.HandOffTimeoutMs - 1;  // just inside the timeout: more than a slot and an interval later
        scrapedByA.AddRange(Scraped(a, target, 11_000, lands));
        Assert.True(b.Accept("a", [push], lands, new PlannerActions()).Single());
        scrapedByA.AddRange(Scraped(a, target, lands, lands + 3 * Interval));
        var scrapedByB = Scraped(b, target, lands, lands + 3 * Interval);

        AssertEverySlotOnce(target, 10_000, lands + 3 * Interval, scrapedByA, scrapedByB);
        Assert.Equal(push.NextSlotMs, scrapedByB[0]);        // b starts at the slot it was given, within an interval
    }

    [Fact]
    public void A_release_decided_on_more_than_an_interval_after_the_holder_answered_loses_no_slot()
    {
        // b asks a and c; a releases at once, c's answer is slow. The round decides only when both are in, more than
        // an interval after a released the target.
        var (a, target) = Holding("a", ["a", "b", "c"], 10_000, ownerOf: "b");
        var b = Planner("b", ["a", "b", "c"], target);
        Assert.Equal(["a", "c"], b.Reconcile(10_900).Pulls.Keys.Order());
        var scrapedByA = Scraped(a, target, 10_000, 10_900);
        var released = a.Release("b", 1, [target], 10_910, new PlannerActions());
        Assert.Empty(b.OnReleaseAnswers("a", [target], released, 10_920).Started);
        var decided = 10_900 + Timings.HandOffTimeoutMs - 1; // c answers just inside the timeout
        scrapedByA.AddRange(Scraped(a, target, 10_950, decided));
        var started = b.OnReleaseAnswers("c", [target], [new ReleaseAnswer(target, ReleaseOutcome.NotHere)], decided).Started;
        Assert.Equal([(target, released.Single().SlotMs!.Value)], started); // the released slot, within an interval
        scrapedByA.AddRange(Scraped(a, target, decided, decided + 3 * Interval));
        var scrapedByB = Scraped(b, target, decided, decided + 3 * Interval);

        AssertEverySlotOnce(target, 10_000, decided + 3 * Interval, scrapedByA, scrapedByB);
    }

    [Fact]
    public void A_leaving_silo_that_finds_nobody_has_a_target_it_asked_for_takes_it_and_passes_it_on()
    {
        // Seeds 123 and 501 (slow calls): k asked its peers for the target, began leaving before the slow answers came,
        // and then dropped it: every peer it asked had noted k's claim and left the target to k, which nobody scraped.
        var target = TargetOwnedBy("k", ["d", "f", "k"]);
        var k = Planner("k", ["d", "f", "k"], target);
        Assert.Equal(["d", "f"], k.Reconcile(10_000).Pulls.Keys.Order());
        k.BeginLeave(10_050);
        var notHere = new[] { new ReleaseAnswer(target, ReleaseOutcome.NotHere) };
        Assert.Empty(k.OnReleaseAnswers("d", [target], notHere, 11_000).Pushes);
        var last = k.OnReleaseAnswers("f", [target], notHere, 11_500);
        var (successor, pushes) = Assert.Single(last.Pushes);
        Assert.Equal(successor, OwnershipScenario.View("k", ["d", "f"]).Owner(target));
        var handed = Assert.Single(pushes).NextSlotMs!.Value;
        Assert.Single(last.Started);                         // k scrapes it up to the slot it handed on
        Assert.Equal(Slots(target, 11_500, handed), Scraped(k, target, 11_500, handed + Interval));
    }

    [Fact]
    public void A_target_still_scraped_here_up_to_its_handed_slot_is_never_told_as_free_before_that_slot()
    {
        // Seed 29745: a pushed the target to b (its view still showed b's earlier process) from a slot ahead; b's new
        // process asked, and a recorded its claim at b's next slot, before the handed one. k then heard "handed on to
        // b from" that slot, found b without it, and started a slot a still scraped.
        var (a, target) = Holding("a", ["a", "b"], 10_000, ownerOf: "b");
        a.SetView(View("a", ["a", "b"], terminating: []));   // b's first process
        var push = a.Reconcile(10_100).Pushes["b"].Single();
        var handed = push.NextSlotMs!.Value;
        a.OnAcceptAnswers("b", [push], [true], 10_150);
        var answer = a.Release("b", 2, [target], 10_200, new PlannerActions()).Single(); // b restarted meanwhile
        Assert.Equal((ReleaseOutcome.Released, handed), (answer.Outcome, answer.SlotMs));
        var later = a.Release("k", 1, [target], 10_300, new PlannerActions()).Single();
        Assert.True(later.SlotMs >= handed, $"{later.Outcome} from {later.SlotMs}, while a scrapes up to {handed}");
        Assert.Equal(Slots(target, 10_000, handed), Scraped(a, target, 10_000, handed + 2 * Interval));
    }

    [Fact]
    public void A_start_with_contenders_gives_the_target_to_the_first_by_name_even_one_this_view_does_not_show_yet()
    {
        // Seed 10917: j acquired the target while i and a (restarted, not in j's view yet) asked for it and heard
        // "pending". a, first by name, went ahead by the tie rule; j gave it to i, which then scraped it beside a.
        var target = TargetOwnedBy("j", ["i", "j", "x"]);
        var j = Planner("j", ["i", "j", "x"], target);
        Assert.Equal(["i", "x"], j.Reconcile(10_000).Pulls.Keys.Order());
        Assert.Equal(ReleaseOutcome.Pending, j.Release("a", 2, [target], 10_010, new PlannerActions()).Single().Outcome);
        Assert.Equal(ReleaseOutcome.Pending, j.Release("i", 1, [target], 10_020, new PlannerActions()).Single().Outcome);
        var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 11_000);
        j.OnReleaseAnswers("x", [target], [new ReleaseAnswer(target, ReleaseOutcome.Released, slot)], 10_030);
        var decided = j.OnReleaseAnswers("i", [target], [new ReleaseAnswer(target, ReleaseOutcome.Pending)], 10_040);
        Assert.Empty(decided.Started);
        Assert.Equal(["a"], decided.Pushes.Keys);
    }

    [Fact]
    public void An_acquisition_whose_grace_ran_out_gives_the_target_to_a_contender_first_by_name_instead_of_a_second_copy()
    {
        // Seed 32668: l asked for over six seconds (a frozen peer, slow answers); k, first by name, asked l meanwhile,
        // heard "pending" and went ahead. When l's grace ran out it started the target afresh too.
        var target = TargetOwnedBy("l", ["b", "l", "x"]);
        var l = Planner("l", ["b", "l", "x"], target);
        Assert.Equal(["b", "x"], l.Reconcile(10_000).Pulls.Keys.Order());
        Assert.Equal(ReleaseOutcome.Pending, l.Release("k", 2, [target], 15_000, new PlannerActions()).Single().Outcome);
        l.OnReleaseAnswers("b", [target], [new ReleaseAnswer(target, ReleaseOutcome.NotHere)], 16_100);
        var decided = l.OnReleaseAnswers("x", [target], null, 16_200); // x did not answer: past the grace now
        Assert.Empty(decided.Started);
        Assert.Equal(["k"], decided.Pushes.Keys);
    }

    [Fact]
    public void A_push_still_unanswered_whose_sender_has_left_since_is_asked_about_once_more()
    {
        // Seed 8175: e, leaving, pushed the target to f (a slow call); l heard "handed on to f, unanswered" from e and
        // "not here" from f, which answered just before the push reached it. e left (its push answered), and l took
        // f's word and started the target next to f.
        var target = TargetOwnedBy("l", ["a", "e", "f", "l"]);
        var l = Planner("l", ["a", "e", "f", "l"], target);
        l.SetView(View("l", ["a", "f", "l"], terminating: ["e"]));
        var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 11_000);
        var claim = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, slot, "f", HandedToGeneration: 1, Claim: true);
        var push = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, slot, "f", Unconfirmed: true, HandedToGeneration: 1);
        Assert.Equal(["a", "e", "f"], l.Reconcile(10_000).Pulls.Keys.Order());
        l.OnReleaseAnswers("a", [target], [claim], 10_010);
        l.OnReleaseAnswers("e", [target], [push], 10_020);
        Assert.Empty(l.OnReleaseAnswers("f", [target], [new ReleaseAnswer(target, ReleaseOutcome.Pending)], 10_030).Started);
        Assert.Equal(["a", "e", "f"], l.RetryAcquisitions(10_300).Pulls.Keys.Order());
        l.OnReleaseAnswers("a", [target], [claim], 10_310);
        l.OnReleaseAnswers("e", [target], [push], 10_320);
        l.SetView(View("l", ["a", "f", "l"], departed: ["e"])); // e has left
        Assert.Empty(l.OnReleaseAnswers("f", [target], [new ReleaseAnswer(target, ReleaseOutcome.NotHere)], 10_330).Started);
    }

    [Fact]
    public void A_hand_off_to_this_silos_name_that_a_peer_saw_go_is_not_taken_as_its_own()
    {
        // Seed 2747: h restarted; l said "handed on to h from s, gone" (h's earlier process, generation unknown). h
        // started at s, a slot the silo h's earlier process had pushed the target to was still scraping.
        var target = TargetOwnedBy("h", ["c", "h", "l"]);
        var h = Planner("h", ["c", "h", "l"], target);
        var old = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 9_500);
        Assert.Equal(["c", "l"], h.Reconcile(10_000).Pulls.Keys.Order());
        h.OnReleaseAnswers("c", [target], [new ReleaseAnswer(target, ReleaseOutcome.NotHere)], 10_010);
        var gone = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, old, "h", ReceiverGone: true);
        Assert.Empty(h.OnReleaseAnswers("l", [target], [gone], 10_020).Started); // not from s: ask once more
    }

    /// <summary>Between the two silos every slot of the grid in [from, to) is scraped exactly once.</summary>
    private static void AssertEverySlotOnce(TargetRef target, long fromMs, long toMs, List<long> byA, List<long> byB)
    {
        Assert.Empty(byA.Intersect(byB));
        Assert.Equal(Slots(target, fromMs, toMs - Interval), byA.Concat(byB).Where(s => s < toMs - Interval).Order());
    }
}
