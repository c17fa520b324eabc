using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ownership;
using Xunit;
using static AlloyOrleans.Tests.Ownership.OwnershipScenario;

namespace AlloyOrleans.Tests.Ownership;

/// <summary>
/// The races of a take-over under churn: a silo crashed, and while its orphaned targets find their new owner the
/// membership changes again (a restart, a join, a leave right after a join). The simulation's residue of class (a) —
/// each change of owner during the take-over began the whole acquisition anew, and the target started after the
/// crash's window — and the duplicates the shorter take-overs then exposed, where a sender's ledger misread what a
/// push to a restarted or departing receiver had done.
/// </summary>
public sealed partial class HandOffRaceTests
{
    [Fact]
    public void A_take_over_that_finds_nobody_has_the_target_after_its_owner_changed_passes_the_target_on_instead_of_dropping_it()
    {
        // Seed 5085: k#1 crashed; g, the new owner, found in its round that nobody had the target — but k had restarted
        // meanwhile and owned it again in g's view, so g dropped it, and k#2 began asking from nothing.
        var target = TargetOwnedIn(("g", ["g", "i"]), ("k", ["g", "i", "k"]));
        var g = Planner("g", ["g", "i"], target);
        Assert.Equal(["i"], g.Reconcile(10_000).Pulls.Keys);
        g.SetView(View("g", ["g", "i", "k"]));                // k#2 is active: it owns the target again
        var k = Planner("k", ["g", "i", "k"], target);
        Assert.Equal(["g", "i"], k.Reconcile(10_100).Pulls.Keys.Order());
        var toK = g.Release("k", 1, [target], 10_110, new PlannerActions()).Single();
        Assert.Equal(ReleaseOutcome.Pending, toK.Outcome);   // k sorts after g: it waits for g's round
        Assert.Empty(k.OnReleaseAnswers("i", [target], [new ReleaseAnswer(target, ReleaseOutcome.NotHere)], 10_120).Started);
        Assert.Empty(k.OnReleaseAnswers("g", [target], [toK], 10_130).Started);

        var decided = g.OnReleaseAnswers("i", [target], [new ReleaseAnswer(target, ReleaseOutcome.NotHere)], 10_200);
        Assert.Single(decided.Started);                      // g scrapes it until k can start it
        var push = decided.Pushes["k"].Single();
        var handed = push.NextSlotMs!.Value;
        var scrapedByG = Scraped(g, target, 10_200, 10_250);
        var lands = 10_200 + Timings.HandOffTimeoutMs - 1;   // as late as a push may land
        scrapedByG.AddRange(Scraped(g, target, 10_250, lands));
        Assert.True(k.Accept("g", [push], lands, new PlannerActions()).Single());
        g.OnAcceptAnswers("k", [push], [true], lands + 10);
        scrapedByG.AddRange(Scraped(g, target, lands, lands + 3 * Interval));
        var scrapedByK = Scraped(k, target, lands, lands + 3 * Interval);

        AssertEverySlotOnce(target, 10_200, lands + 3 * Interval, scrapedByG, scrapedByK);
        Assert.Equal(handed, scrapedByK[0]);
    }

    [Fact]
    public void A_take_over_asked_after_membership_declared_the_holder_dead_starts_the_target_in_that_round()
    {
        // Every take-over after a crash spent a second round asking again where the chain ended at the dead holder,
        // although it had been declared dead before the first round asked: all its pushes had landed by then.
        var target = TargetOwnedBy("d", ["d", "i"]);
        var d = Planner("d", ["d", "i"], target);
        d.SetView(View("d", ["d", "i"], departed: ["k"]));
        Assert.Equal(["i"], d.Reconcile(10_000).Pulls.Keys);
        var toK = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, 9_000, "k", HandedToGeneration: 1);
        var started = d.OnReleaseAnswers("i", [target], [toK], 10_010).Started;
        Assert.Equal([(target, Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 10_010))], started);
    }

    [Fact]
    public void A_take_over_asked_before_the_holder_was_declared_dead_asks_again_before_starting_afresh()
    {
        // k came and went while d's view lagged: it may have left gracefully and pushed the target on to a peer this
        // round asked too early. Only a round asked after k was declared dead may call the chain a dead end.
        var target = TargetOwnedBy("d", ["d", "i"]);
        var d = Planner("d", ["d", "i"], target);
        d.SetView(View("d", ["d", "i"], terminating: []));
        Assert.Equal(["i"], d.Reconcile(10_000).Pulls.Keys);
        d.SetView(View("d", ["d", "i"], departed: ["k"]));
        var toK = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, 9_000, "k", HandedToGeneration: 1);
        Assert.Empty(d.OnReleaseAnswers("i", [target], [toK], 10_010).Started);
        Assert.Equal(["i"], d.Reconcile(10_300).Pulls.Keys);
        Assert.Single(d.OnReleaseAnswers("i", [target], [toK], 10_310).Started);
    }

    [Fact]
    public void A_take_over_whose_new_owner_asked_before_it_began_leaves_the_target_to_that_owner()
    {
        // Seed 948: i had pushed the target to b; b crashed. a joined and asked i, heard "handed on to b" (i did not know
        // yet that b was gone), and started it afresh. i then began its own take-over, found nobody had it, and — a
        // owning it by then — scraped it beside a's copy.
        var target = TargetOwnedIn(("b", ["b", "f", "i"]), ("i", ["f", "i"]), ("a", ["a", "f", "i"]));
        var i = Planner("i", ["b", "f", "i"], target);
        i.SetView(View("i", ["i"]));
        i.Reconcile(9_000);                                   // alone: started afresh
        i.SetView(View("i", ["b", "f", "i"], terminating: []));  // with incarnations: b#1
        var push = i.Reconcile(9_100).Pushes["b"].Single();
        i.OnAcceptAnswers("b", [push], [true], 9_150);
        var toA = i.Release("a", 1, [target], 12_000, new PlannerActions()).Single();
        Assert.Equal((ReleaseOutcome.HandedOn, "b"), (toA.Outcome, toA.HandedTo));
        i.SetView(View("i", ["f", "i"], departed: ["b"]));
        Assert.Equal(["f"], i.Reconcile(12_500).Pulls.Keys);
        i.SetView(View("i", ["a", "f", "i"], departed: ["b"]));
        var decided = i.OnReleaseAnswers("f", [target], [new ReleaseAnswer(target, ReleaseOutcome.NotHere)], 12_550);
        Assert.Empty(decided.Started);
        Assert.Empty(decided.Pushes);
    }

    [Fact]
    public void A_push_meant_for_a_crashed_process_is_refused_by_its_restart_and_scraped_on_by_the_sender()
    {
        // Seed 12699: i (leaving) pushed the target to l while its view still showed l#1, which had crashed; l#2 took
        // it. i's ledger said "given to l#1"; once l#1 was declared dead, i released the slot again to d, beside l#2.
        var (i, target) = Holding("i", ["i", "l"], 10_000, ownerOf: "l");
        i.SetView(View("i", ["i", "l"], terminating: []));     // l#1
        var push = i.Reconcile(10_100).Pushes["l"].Single();
        Assert.Equal(1, push.ReceiverIncarnation);
        var l2 = new OwnershipPlanner("l", Timings) { LocalIncarnation = 2 };
        l2.SetTargets(new Dictionary<TargetRef, TargetSpec> { [target] = new(Interval, Clustered: true) });
        l2.SetView(View("l", ["i", "l"], terminating: []));
        Assert.False(l2.Accept("i", [push], 10_150, new PlannerActions()).Single());
        Assert.False(l2.Dispatcher.IsHeld(target));
        i.OnAcceptAnswers("l", [push], [false], 10_160);
        Assert.True(i.Dispatcher.IsHeld(target));             // refused: i scrapes on
        Assert.Equal(Slots(target, 10_000, 13_000), Scraped(i, target, 10_000, 13_000));
    }

    [Fact]
    public void A_take_over_does_not_start_a_target_beside_a_peer_that_asked_for_it_which_the_round_never_asked()
    {
        // Seed 5477: j joined, asked l, heard "handed on to d" (d frozen, declared dead) and started the target. l's
        // round, begun before its view showed j, was decided after the view did, and started it as well.
        var target = TargetOwnedIn(("d", ["d", "h", "l"]), ("l", ["h", "l"]));
        var l = Planner("l", ["l"], target);
        l.Reconcile(9_000);                                   // alone: started afresh
        l.SetView(View("l", ["d", "h", "l"], terminating: []));
        var push = l.Reconcile(9_100).Pushes["d"].Single();
        l.OnAcceptAnswers("d", [push], [true], 9_150);
        Assert.Equal(ReleaseOutcome.HandedOn, l.Release("j", 1, [target], 10_000, new PlannerActions()).Single().Outcome);
        l.SetView(View("l", ["h", "l"], departed: ["d"]));
        Assert.Equal(["h"], l.Reconcile(10_050).Pulls.Keys);
        l.SetView(View("l", ["h", "l"], terminating: ["j"], departed: ["d"]));   // j, leaving by now
        Assert.Empty(l.OnReleaseAnswers("h", [target], [new ReleaseAnswer(target, ReleaseOutcome.NotHere)], 10_100).Started);
        Assert.Equal(["h", "j"], l.Reconcile(10_400).Pulls.Keys.Order());       // the next round asks j too
    }

    [Fact]
    public void A_leaving_silo_that_only_waits_to_ask_again_is_not_waited_for_by_a_contender_behind_it()
    {
        // Seed 41714 (one slow call in 50): a joined during a take-over and left again; while it waited to ask again it
        // answered f "pending" until it exited, and f, deferring to it by name, started a slot after the crash's window.
        var target = TargetOwnedBy("a", ["a", "f"]);
        var a = Planner("a", ["a", "f"], target);
        Assert.Equal(["f"], a.Reconcile(10_000).Pulls.Keys);
        Assert.Empty(a.OnReleaseAnswers("f", [target], null, 10_100).Started);   // no answer: it asks again later
        a.BeginLeave(10_200);
        Assert.NotEqual(ReleaseOutcome.Pending, a.Release("f", 1, [target], 10_300, new PlannerActions()).Single().Outcome);
        Assert.Empty(a.RetryAcquisitions(10_400).Pulls);
    }

    [Fact]
    public void A_silo_asked_for_a_target_it_handed_to_a_receiver_gone_since_says_where_it_went_instead_of_releasing_it()
    {
        // Seeds 74013 and 137513: e (leaving) pushed the target to a, which took it and, leaving too, passed it on to
        // j; once a had gone, e still scraped up to its handed slot and released that slot to l, beside j's copy.
        var target = TargetOwnedIn(("a", ["a", "e", "l"]));
        var e = Planner("e", ["e"], target);
        e.Reconcile(9_000);                                   // alone: started afresh
        e.SetView(View("e", ["a", "e", "l"], terminating: []));
        var push = e.Reconcile(9_900).Pushes["a"].Single();
        e.OnAcceptAnswers("a", [push], [true], 9_950);
        e.SetView(View("e", ["e", "l"], departed: ["a"]));    // a left
        var answer = e.Release("l", 1, [target], 10_000, new PlannerActions()).Single();
        Assert.Equal((ReleaseOutcome.HandedOn, push.NextSlotMs, "a", true), (answer.Outcome, answer.SlotMs, answer.HandedTo, answer.ReceiverGone));
        var later = e.Release("k", 1, [target], 10_100, new PlannerActions()).Single();
        Assert.True(later.SlotMs >= push.NextSlotMs, $"{later.Outcome} from {later.SlotMs}, while e scrapes up to {push.NextSlotMs}");
    }

    [Fact]
    public void The_answer_to_an_earlier_push_does_not_confirm_a_later_push_of_the_target_still_on_its_way()
    {
        // Seed 63312: a pushed the target to d; d took it and, leaving, pushed it back; a, leaving too, pushed it to d
        // again. The "taken" of the first push confirmed the second, which d never took (it had left): a take-over
        // heard "handed on to d, confirmed", found d gone and started the target beside a, which scraped on.
        var (a, target) = Holding("a", ["a", "d"], 10_000, ownerOf: "d");
        var first = a.Reconcile(10_000).Pushes["d"].Single();
        Assert.True(a.Accept("d", [new TargetHandOff(target, first.NextSlotMs)], 10_040, new PlannerActions()).Single());
        var second = a.BeginLeave(10_050).Pushes["d"].Single();
        a.OnAcceptAnswers("d", [first], [true], 10_060);                 // the first push's answer, late
        var told = a.Release("b", 1, [target], 10_070, new PlannerActions()).Single();
        Assert.Equal((ReleaseOutcome.HandedOn, "d", true), (told.Outcome, told.HandedTo, told.Unconfirmed));
        var back = a.OnAcceptAnswers("d", [second], null, 10_080, undelivered: true);
        Assert.True(a.Dispatcher.IsScraping(target) || back.Pushes.Count > 0);  // a scrapes on, or offers it on
    }
}
