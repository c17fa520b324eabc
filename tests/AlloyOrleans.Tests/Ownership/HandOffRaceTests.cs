using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ownership;
using Xunit;
using static AlloyOrleans.Tests.Ownership.OwnershipScenario;

namespace AlloyOrleans.Tests.Ownership;

/// <summary>
/// The races the hand-off simulation found, each reduced to the inputs of one planner (the seed that found it in the
/// simulation is named): views that lag behind membership, peers that leave before they answer, pushes still on
/// their way, and a leaver that exits with a request unanswered.
/// </summary>
public sealed partial class HandOffRaceTests
{
    [Fact]
    public void A_peer_gone_before_it_answered_is_not_taken_to_mean_nobody_has_the_target()
    {
        // Seed 479: k asks l and b; l has nothing yet, b is leaving and exits before the request reaches it, after
        // pushing the target to l. "Nobody has it" would start a second copy next to l's.
        var target = TargetOwnedBy("k", ["b", "k", "l"]);
        var k = Planner("k", ["b", "k", "l"], target);
        var pulls = k.Reconcile(10_000).Pulls;
        Assert.Equal(["b", "l"], pulls.Keys.Order());
        Assert.Empty(k.OnReleaseAnswers("l", [target], [new ReleaseAnswer(target, ReleaseOutcome.NotHere)], 10_010).Started);
        k.SetView(View("k", ["k", "l"], departed: ["b"]));
        Assert.Empty(k.OnReleaseAnswers("b", [target], null, 10_050).Started);

        // The next round asks who is left, and l, which took b's push meanwhile, releases it.
        var again = k.Reconcile(10_300).Pulls;
        Assert.Equal(["l"], again.Keys);
        var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 10_500);
        var started = k.OnReleaseAnswers("l", [target], [new ReleaseAnswer(target, ReleaseOutcome.Released, slot)], 10_320).Started;
        Assert.Equal([(target, slot)], started);
    }

    [Fact]
    public void A_receiver_membership_declared_dead_before_this_view_showed_it_does_not_hold_the_target_back()
    {
        // Seed 221: h joined, took the target and left again while this silo's view lagged; its view never showed h
        // active, but membership now says h is dead. Waiting out the unseen-peer grace would lose every slot of it.
        var (a, target) = Holding("a", ["a"], 10_000);
        Assert.Equal(ReleaseOutcome.Released, a.Release("h", 1, [target], 10_100, new PlannerActions()).Single().Outcome);
        a.SetView(View("a", ["a"]));
        Assert.Empty(a.Reconcile(10_200).Started);          // h may be a join this view has not caught up with
        a.SetView(View("a", ["a"], departed: ["h"]));
        Assert.Empty(a.Reconcile(10_300).Pulls);            // membership says it is gone: taken back at once,
        Assert.True(a.Dispatcher.IsHeld(target));           // while a still scrapes the slots before the released one
        Assert.Equal(Slots(target, 10_000, 16_000), Scraped(a, target, 10_000, 15_999));
    }

    [Fact]
    public void A_contender_that_has_left_no_longer_holds_an_acquisition_off()
    {
        // Seed 100: a asked i while both were acquiring the target; a's name sorts first, so i waited for it. a left
        // without taking it: i must not wait for it until the grace ends.
        var target = TargetOwnedBy("i", ["i", "x"]);
        var i = Planner("i", ["i", "x"], target);
        i.Reconcile(10_000);
        Assert.Equal(ReleaseOutcome.Pending, i.Release("a", 1, [target], 10_005, new PlannerActions()).Single().Outcome);
        var notHere = new[] { new ReleaseAnswer(target, ReleaseOutcome.NotHere) };
        Assert.Empty(i.OnReleaseAnswers("x", [target], notHere, 10_010).Started); // a goes first while it may hold it
        i.SetView(View("i", ["i", "x"], departed: ["a"]));
        i.Reconcile(10_300);
        Assert.Single(i.OnReleaseAnswers("x", [target], notHere, 10_310).Started);
    }

    [Fact]
    public void A_peer_this_view_does_not_show_yet_that_asked_for_the_target_holds_off_starting_it_afresh()
    {
        // Seed 374: e joined and asked f, which had handed the target to i; i then crashed. f's view does not show e
        // yet, so f thinks it owns the target, while e (which sees i dead) started it afresh. f waits for its view.
        var (f, target) = Holding("f", ["f", "i"], 10_000, ownerOf: "i");
        f.Release("i", 1, [target], 10_100, new PlannerActions());
        Assert.Equal(ReleaseOutcome.HandedOn, f.Release("e", 1, [target], 10_200, new PlannerActions()).Single().Outcome);
        f.SetView(View("f", ["f"], departed: ["i"]));
        Assert.Empty(f.Reconcile(10_300).Started);
        f.SetView(View("f", ["f"], departed: ["i", "e"]));  // e turns out to be gone too: now nobody has it
        f.Reconcile(10_600);
        Assert.True(f.Dispatcher.IsHeld(target));           // f still scraped the slots before the released one: on from there
        Assert.Equal(Slots(target, 10_000, 16_000), Scraped(f, target, 10_000, 15_999));
    }

    [Fact]
    public void A_push_still_unanswered_to_a_receiver_that_left_is_left_to_its_sender()
    {
        // Seed 1100: l, leaving, pushed the target to h, which was leaving too and refused; l then offers it to the
        // next successor, b. b, asking meanwhile, hears "handed on to h, unconfirmed" and sees h gone: that is no
        // dead end, the sender still decides.
        var target = TargetOwnedBy("b", ["b", "j"]);
        var b = Planner("b", ["b", "j"], target);
        b.SetView(View("b", ["b", "j"], terminating: ["l"], departed: ["h"]));
        Assert.Equal(["j", "l"], b.Reconcile(10_000).Pulls.Keys.Order());
        var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 10_000);
        b.OnReleaseAnswers("j", [target], [new ReleaseAnswer(target, ReleaseOutcome.NotHere)], 10_010);
        var handedOn = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, slot, "h", Unconfirmed: true, HandedToGeneration: 1);
        Assert.Empty(b.OnReleaseAnswers("l", [target], [handedOn], 10_020).Started);
    }

    [Fact]
    public void Its_own_push_still_unanswered_is_awaited_and_a_refusal_resumes_at_the_offered_slot()
    {
        // Seed 1047: g pushed the target to e as e left; g's view then showed e gone and g the owner again. Starting
        // afresh at once would begin a slot later than the push offered, and lose that slot when the push comes back.
        var (g, target) = Holding("g", ["e", "g"], 10_000, ownerOf: "e");
        g.SetView(View("g", ["e", "g"]));
        var push = g.Reconcile(10_100).Pushes["e"].Single();
        g.SetView(View("g", ["g"], departed: ["e"]));
        Assert.Empty(g.Reconcile(10_150).Started);
        var back = g.OnAcceptAnswers("e", [push], null, 10_200, undelivered: true);
        Assert.Empty(back.Started);                          // g still scrapes the slots before the offered one: on from there
        Assert.True(g.Dispatcher.IsHeld(target));
        Assert.Equal(Slots(target, 10_000, 16_000), Scraped(g, target, 10_000, 15_999));
    }

    [Fact]
    public void A_push_that_timed_out_is_believed_taken_and_its_gone_receiver_is_a_dead_end()
    {
        var (g, target) = Holding("g", ["e", "g"], 10_000, ownerOf: "e");
        var push = g.Reconcile(10_100).Pushes["e"].Single();
        var handedOver = new PlannerActions();
        Assert.Equal(Slots(target, 10_000, push.NextSlotMs!.Value), Scraped(g, target, 10_000, 12_000, handedOver));
        Assert.Equal([(target, StopReason.Moved)], handedOver.Stopped); // right after its last slot before the handed one
        Assert.Empty(g.OnAcceptAnswers("e", [push], null, 12_100).Started); // no answer within the timeout
        g.SetView(View("g", ["g"], departed: ["e"]));
        Assert.Single(g.Reconcile(12_200).Started);         // e took it and crashed: start it again now
    }

    [Fact]
    public void A_leaving_silo_waits_for_its_release_requests_and_passes_on_what_they_release()
    {
        // Seed 533: d asked f for the target, then f pushed it to d anyway, and d began leaving and pushed it back. f
        // then got d's late request and released the target to d, which had exited: nobody scraped it.
        var target = TargetOwnedBy("d", ["d", "f"]);
        var d = Planner("d", ["d", "f"], target);
        Assert.Equal(["f"], d.Reconcile(10_000).Pulls.Keys);
        var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 10_100);
        Assert.True(d.Accept("f", [new TargetHandOff(target, slot)], 10_050, new PlannerActions()).Single());
        var leave = d.BeginLeave(10_100).Pushes["f"];
        d.OnAcceptAnswers("f", leave, [true], 10_120);
        Assert.False(d.IsQuiescent(10_130));                // its request to f is still unanswered
        var released = d.OnReleaseAnswers("f", [target], [new ReleaseAnswer(target, ReleaseOutcome.Released, slot + Interval)], 10_140);
        var handed = released.Pushes["f"].Single().NextSlotMs!.Value; // passed on, from a slot f can still start
        Assert.True(handed + Interval > 10_140 + Timings.HandOffTimeoutMs);
        d.OnAcceptAnswers("f", released.Pushes["f"], [true], 10_160);
        Assert.False(d.IsQuiescent(10_170));                // it scrapes the slots before the handed one itself
        Assert.Equal(Slots(target, slot, handed), Scraped(d, target, 10_170, handed + Interval));
        Assert.True(d.IsQuiescent(handed + Interval));
    }

    [Fact]
    public void A_receivers_not_here_that_may_have_overtaken_the_push_does_not_orphan_a_confirmed_hand_off()
    {
        // Seed 2803: e, leaving, pushed the target to k; j asked k before the push landed (k: "not here") and e after
        // k took it (e: "handed on to k"). Only a "not here" asked for after j learned of the hand-off is believed.
        var target = TargetOwnedBy("j", ["e", "j", "k"]);
        var j = Planner("j", ["e", "j", "k"], target);
        j.Reconcile(10_000);
        var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 10_200);
        var notHere = new[] { new ReleaseAnswer(target, ReleaseOutcome.NotHere) };
        var handedOn = new[] { new ReleaseAnswer(target, ReleaseOutcome.HandedOn, slot, "k", HandedToGeneration: 1) };
        j.OnReleaseAnswers("k", [target], notHere, 10_010);
        Assert.Empty(j.OnReleaseAnswers("e", [target], handedOn, 10_020).Started);

        // Asked again, k says "not here" once more: k lost it (it restarted), so nobody has it.
        j.Reconcile(10_300);
        j.OnReleaseAnswers("e", [target], handedOn, 10_310);
        Assert.Single(j.OnReleaseAnswers("k", [target], notHere, 10_320).Started);
    }

    [Fact]
    public void A_peer_acquiring_the_target_that_still_waits_for_answers_is_waited_for_even_by_the_name_that_sorts_first()
    {
        // Seed 2358: e, leaving, released the target to i and exited; a, joining, asked only i (its view showed e
        // dead) and heard "pending". Going ahead by the tie rule started a copy next to the one e's release gave i.
        var target = TargetOwnedBy("i", ["e", "i", "x"]);
        var i = Planner("i", ["e", "i", "x"], target);
        i.Reconcile(10_000);
        var asking = i.Release("a", 1, [target], 10_010, new PlannerActions()).Single();
        Assert.Equal((ReleaseOutcome.Pending, true), (asking.Outcome, asking.Asking));

        var aTarget = TargetOwnedBy("a", ["a", "i"]);
        var a = Planner("a", ["a", "i"], aTarget);
        a.Reconcile(10_000);
        var pending = new ReleaseAnswer(aTarget, ReleaseOutcome.Pending, Asking: true);
        Assert.Empty(a.OnReleaseAnswers("i", [aTarget], [pending], 10_020).Started);
        a.Reconcile(10_300);
        Assert.Single(a.OnReleaseAnswers("i", [aTarget], [pending with { Asking = false }], 10_320).Started); // a tie: a goes first
    }

    [Fact]
    public void A_release_that_comes_after_a_contender_sorting_first_went_ahead_is_handed_to_that_contender()
    {
        var target = TargetOwnedBy("i", ["a", "e", "i"]);
        var i = Planner("i", ["a", "e", "i"], target);
        i.Reconcile(10_000);
        i.OnReleaseAnswers("a", [target], [new ReleaseAnswer(target, ReleaseOutcome.NotHere)], 10_010);
        Assert.Equal(ReleaseOutcome.Pending, i.Release("a", 1, [target], 10_020, new PlannerActions()).Single().Outcome);
        var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 11_100); // a push lands in time for it
        var actions = i.OnReleaseAnswers("e", [target], [new ReleaseAnswer(target, ReleaseOutcome.Released, slot)], 10_030);
        Assert.Empty(actions.Started);
        Assert.Equal(slot, actions.Pushes["a"].Single().NextSlotMs);
    }

    [Fact]
    public void A_hand_off_to_this_silo_still_unanswered_is_not_started_from_the_chain()
    {
        // Seed 8603: e and i left at once; e pushed the target to i, which refused (it was leaving), so e kept it. i,
        // asking e meanwhile, heard "handed on to i, unconfirmed" and started it too.
        var target = TargetOwnedBy("i", ["e", "i"]);
        var i = Planner("i", ["e", "i"], target);
        i.Reconcile(10_000);
        var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 10_200);
        var toMe = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, slot, "i", Unconfirmed: true, HandedToGeneration: 1);
        Assert.Empty(i.OnReleaseAnswers("e", [target], [toMe], 10_020).Started);
    }

    [Fact]
    public void Any_unanswered_push_to_the_chains_receiver_keeps_it_from_being_a_dead_end()
    {
        // Seed 3619: k left; h had pushed the target to k (unanswered: k had gone, so h takes it back), while a's
        // older hand-off to k was confirmed. Whichever link the chain ends on, h's push still decides.
        var target = TargetOwnedBy("b", ["a", "b", "h"]);
        var b = Planner("b", ["a", "b", "h"], target);
        b.SetView(View("b", ["a", "b", "h"], departed: ["k"]));
        b.Reconcile(10_000);
        var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 10_000);
        var confirmed = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, slot, "k", HandedToGeneration: 1);
        b.OnReleaseAnswers("a", [target], [confirmed], 10_010);
        Assert.Empty(b.OnReleaseAnswers("h", [target], [confirmed with { Unconfirmed = true }], 10_020).Started);
    }

    [Fact]
    public void A_contender_that_answers_not_here_has_given_up_and_no_longer_holds_an_acquisition_off()
    {
        // Seed 623: c asked d while both acquired the target, then its view moved on; it answered every later round
        // "not here", and d waited for it until the grace ended. (The answer to the round c asked during may have
        // been sent before c began to contend — seed 14214 — so the round after it decides.)
        var target = TargetOwnedBy("d", ["c", "d"]);
        var d = Planner("d", ["c", "d"], target);
        d.Reconcile(10_000);
        Assert.Equal(ReleaseOutcome.Pending, d.Release("c", 1, [target], 10_005, new PlannerActions()).Single().Outcome);
        Assert.Empty(d.OnReleaseAnswers("c", [target], [new ReleaseAnswer(target, ReleaseOutcome.NotHere)], 10_010).Started);
        d.Reconcile(10_300);
        Assert.Single(d.OnReleaseAnswers("c", [target], [new ReleaseAnswer(target, ReleaseOutcome.NotHere)], 10_310).Started);
    }

    [Fact]
    public void A_push_back_at_the_slot_this_silo_handed_on_is_taken_when_the_target_went_round_a_chain()
    {
        // Seed 1761: b released the target to i at slot s, i released it to d before s, and d, leaving, pushed it back
        // to b at s. That is no late push (nobody scraped s yet): b must scrape it, not just acknowledge it.
        var (b, target) = Holding("b", ["b", "d", "i"], 10_000, ownerOf: "i");
        var released = b.Release("i", 1, [target], 10_100, new PlannerActions()).Single().SlotMs!.Value;
        Assert.Equal(Slots(target, 10_000, released), Scraped(b, target, 10_000, released - 150)); // b scrapes the slots before it
        var actions = new PlannerActions();
        Assert.True(b.Accept("d", [new TargetHandOff(target, released)], released - 100, actions).Single());
        Assert.Equal([(target, released)], actions.Started); // its last slot before the handed one went out: started again
        Assert.Equal(Slots(target, released, released + 2 * Interval), Scraped(b, target, released - 50, released + Interval));
    }

    [Fact]
    public void A_silo_whose_push_of_the_target_is_unanswered_tells_a_contender_to_wait()
    {
        // Seed 13944: f pushed the target to c#1, which had crashed; c#2, restarted under the name, asked f before the
        // push failed and heard "pending". Going ahead by the tie rule, c#2 started a copy next to the one f resumed.
        var (f, target) = Holding("f", ["c", "f"], 10_000, ownerOf: "c");
        Assert.Single(f.Reconcile(10_100).Pushes["c"]);
        f.SetView(View("f", ["f"], departed: ["c"]));
        Assert.Empty(f.Reconcile(10_200).Started);          // waits for the push's answer
        var answer = f.Release("c", 2, [target], 10_300, new PlannerActions()).Single();
        Assert.Equal((ReleaseOutcome.Pending, true), (answer.Outcome, answer.Asking));
    }

    [Fact]
    public void A_link_whose_receiver_says_it_handed_the_target_on_before_that_slot_is_a_dead_end()
    {
        // Seed 12758: l reported "handed on to f from 1 481" (f had asked l: a claim), but f itself said it gave the
        // target to d at 481, and d has nothing. Asked twice, f's own word wins: nobody has it, start it.
        var target = TargetOwnedBy("i", ["d", "f", "i", "l"]);
        var i = Planner("i", ["d", "f", "i", "l"], target);
        var claim = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, 11_481, "f", HandedToGeneration: 1);
        var earlier = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, 10_481, "d", HandedToGeneration: 1);
        var notHere = new ReleaseAnswer(target, ReleaseOutcome.NotHere);
        PlannerActions Round(long atMs)
        {
            i.Reconcile(atMs);
            i.OnReleaseAnswers("l", [target], [claim], atMs + 10);
            i.OnReleaseAnswers("f", [target], [earlier], atMs + 20);
            return i.OnReleaseAnswers("d", [target], [notHere], atMs + 30);
        }
        Assert.Empty(Round(12_000).Started);                // the first round may have overtaken a push to f
        Assert.Single(Round(12_300).Started);
    }

    [Fact]
    public void A_push_to_this_silo_still_unanswered_waits_even_where_a_claim_at_the_same_slot_ends_the_chain()
    {
        // Seed 24394: k, leaving, pushed the target to e; others reported b's claim at that same slot, and b had left.
        // Ending the chain at b's claim, e started afresh one slot later and then took k's push: that slot was lost.
        var target = TargetOwnedBy("e", ["e", "f", "k"]);
        var e = Planner("e", ["e", "f", "k"], target);
        e.SetView(View("e", ["e", "f", "k"], departed: ["b"]));
        e.Reconcile(10_000);
        var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 10_200);
        e.OnReleaseAnswers("f", [target], [new ReleaseAnswer(target, ReleaseOutcome.HandedOn, slot, "b", HandedToGeneration: 1)], 10_010);
        var pushHere = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, slot, "e", Unconfirmed: true, HandedToGeneration: 1);
        Assert.Empty(e.OnReleaseAnswers("k", [target], [pushHere], 10_020).Started);
    }

    [Fact]
    public void A_chain_ending_at_a_claimant_that_has_just_left_is_asked_about_again_at_its_successors()
    {
        // Seed 48933: a asked k ("not here": k noted a's claim), started the target, then left and pushed it to k. d,
        // asking both, heard k: "handed on to a" and a: "handed on to k, unconfirmed", at one slot. Ending the chain
        // at a's claim (a is gone) started a second copy next to k's: a round asked after a left finds it at k. (a is
        // declared dead only once it exits, after k answered its push: that round hears it from k.)
        var target = TargetOwnedBy("d", ["d", "k"]);
        var d = Planner("d", ["d", "k"], target);
        d.SetView(View("d", ["d", "k"], terminating: ["a"]));
        var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 10_500);
        var claim = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, slot, "a", HandedToGeneration: 1);
        var push = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, slot, "k", Unconfirmed: true, HandedToGeneration: 1);
        Assert.Equal(["a", "k"], d.Reconcile(10_000).Pulls.Keys.Order());
        d.OnReleaseAnswers("k", [target], [claim], 10_010);
        d.SetView(View("d", ["d", "k"], departed: ["a"]));
        Assert.Empty(d.OnReleaseAnswers("a", [target], [push], 10_020).Started);
        Assert.Equal(["k"], d.Reconcile(10_300).Pulls.Keys);   // the first round that knows a is gone asks k again
        Assert.Equal([(target, slot)], d.OnReleaseAnswers("k", [target], [new ReleaseAnswer(target, ReleaseOutcome.Released, slot)], 10_310).Started);
    }

    [Fact]
    public void A_receiver_that_left_during_the_round_is_looked_for_at_its_successors_before_the_target_is_started_afresh()
    {
        // Seed 58104: j pushed the target to k; k refused (leaving), j then left too, and k pushed it on to l. f asked
        // l before k's push landed ("not here") and j after ("handed on to k"); by then k and j were gone.
        var target = TargetOwnedBy("f", ["f", "l"]);
        var f = Planner("f", ["f", "l"], target);
        f.SetView(View("f", ["f", "l"], terminating: ["j"]));
        f.Reconcile(10_000);
        var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 10_500);
        f.OnReleaseAnswers("l", [target], [new ReleaseAnswer(target, ReleaseOutcome.NotHere)], 10_010);
        f.SetView(View("f", ["f", "l"], departed: ["j", "k"]));
        var handedOn = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, slot, "k", Unconfirmed: true, HandedToGeneration: 1);
        Assert.Empty(f.OnReleaseAnswers("j", [target], [handedOn], 10_020).Started);
        Assert.Equal(["l"], f.Reconcile(10_300).Pulls.Keys);
        Assert.Equal([(target, slot)], f.OnReleaseAnswers("l", [target], [new ReleaseAnswer(target, ReleaseOutcome.Released, slot)], 10_310).Started);
    }
    [Fact]
    public void A_chain_ending_at_a_peer_acquiring_the_target_itself_is_a_tie_the_name_that_sorts_first_wins()
    {
        // Seeds 21058, 10619, 23224, 26150: f asked i ("not here": i noted f's claim) and is still acquiring it; b,
        // joining, hears i: "handed on to f" and f: "pending". b waited for f to take it up while f, by the tie rule,
        // waited for b: nobody scraped it until b's grace ended. Asked again, f still only acquires it: b goes first.
        var target = TargetOwnedBy("b", ["b", "f", "i"]);
        var b = Planner("b", ["b", "f", "i"], target);
        var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 10_500);
        var claim = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, slot, "f", HandedToGeneration: 1);
        var pending = new ReleaseAnswer(target, ReleaseOutcome.Pending);
        PlannerActions Round(long atMs)
        {
            b.Reconcile(atMs);
            b.OnReleaseAnswers("i", [target], [claim], atMs + 10);
            return b.OnReleaseAnswers("f", [target], [pending], atMs + 20);
        }
        Assert.Empty(Round(10_000).Started);                // the first round may have overtaken a push to f
        Assert.Equal([(target, slot)], Round(10_300).Started);
    }
    [Fact]
    public void A_receiver_that_only_claimed_the_target_is_believed_in_the_first_round()
    {
        // Seeds 26150, 23224: i keeps asking everyone while it acquires the target, and each peer notes its claim anew,
        // at a later slot each time. d heard the claim and i's own "not here", round after round, and waited for a
        // round that had seen that very link before — which never came until its grace ended.
        var target = TargetOwnedBy("d", ["d", "e", "i"]);
        var d = Planner("d", ["d", "e", "i"], target);
        d.Reconcile(10_000);
        var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 10_000);
        d.OnReleaseAnswers("e", [target], [new ReleaseAnswer(target, ReleaseOutcome.HandedOn, slot, "i", HandedToGeneration: 1, Claim: true)], 10_010);
        Assert.Equal([(target, slot)], d.OnReleaseAnswers("i", [target], [new ReleaseAnswer(target, ReleaseOutcome.NotHere)], 10_020).Started);
    }

    [Fact]
    public void A_target_stopped_while_the_view_was_not_ready_is_not_scraped_again_from_the_slot_the_chain_names()
    {
        // Seed 69946: d pushed the target to i from slot s; i scraped s, then stopped it (its view was not ready) and
        // acquired it again. d still said "handed on to i from s", and i started at s once more: s scraped twice.
        var target = TargetOwnedBy("i", ["d", "i"]);
        var i = Planner("i", ["d", "i"], target);
        var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 10_200);
        Assert.Equal([true], i.Accept("d", [new TargetHandOff(target, slot)], 10_000, new PlannerActions()));
        Assert.Equal([(target, slot)], i.TakeDue(slot, new PlannerActions()));
        i.SetView(new OwnershipView("i", 3, isReady: false, localHoldsName: true, Grains.Ring.HashRing.Build(["d", "i"]), RingAssignment.Instance));
        Assert.Single(i.Reconcile(slot + 100).Stopped);
        i.SetView(View("i", ["d", "i"]));
        Assert.Equal(["d"], i.Reconcile(slot + 200).Pulls.Keys);
        var handedHere = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, slot, "i");
        Assert.Equal([(target, slot + Interval)], i.OnReleaseAnswers("d", [target], [handedHere], slot + 210).Started);
    }
    [Fact]
    public void A_push_that_landed_long_before_the_round_asked_does_not_hide_that_its_receiver_only_claims_the_target_now()
    {
        // Seed 67110: g pushed the target to k long ago; k has since lost it and asks for it again (its claims at h
        // and f move on a slot each round) and answers "pending". The old push kept e waiting for a round that had
        // seen the moving claim before; e's name sorts first, so it goes ahead.
        var target = TargetOwnedBy("e", ["e", "f", "g", "k"]);
        var e = Planner("e", ["e", "f", "g", "k"], target);
        e.Reconcile(10_000);
        var old = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 1_000);
        var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 10_000);
        var claim = new ReleaseAnswer(target, ReleaseOutcome.HandedOn, slot, "k", HandedToGeneration: 1, Claim: true);
        e.OnReleaseAnswers("f", [target], [claim], 10_010);
        e.OnReleaseAnswers("g", [target], [new ReleaseAnswer(target, ReleaseOutcome.HandedOn, old, "k", HandedToGeneration: 1)], 10_020);
        Assert.Equal([(target, slot)], e.OnReleaseAnswers("k", [target], [new ReleaseAnswer(target, ReleaseOutcome.Pending)], 10_030).Started);
    }

    [Fact]
    public void An_acquisition_asks_again_when_its_retry_is_due_not_at_the_next_reconcile()
    {
        // Seed 62427: k waited for e (its name sorts first) and e's view then gave the target to k; k asked again only
        // at its next reconcile, a second later, and the slot in between was lost.
        var target = TargetOwnedBy("k", ["a", "k"]);
        var k = Planner("k", ["a", "k"], target);
        k.Reconcile(10_000);
        Assert.Empty(k.OnReleaseAnswers("a", [target], [new ReleaseAnswer(target, ReleaseOutcome.Pending)], 10_010).Started);
        Assert.Empty(k.RetryAcquisitions(10_200).Pulls);   // not due yet
        Assert.Equal(["a"], k.RetryAcquisitions(10_260).Pulls.Keys);
        Assert.Empty(k.RetryAcquisitions(10_300).Pulls);   // asking already
    }
    [Fact]
    public void A_release_request_does_not_overwrite_an_unanswered_push_with_a_claim()
    {
        // Seed 3281: i, leaving, pushed the target to d, which froze and was declared dead with the push unanswered. k
        // asked twice; the first answer noted k's claim over the push, so the second said "not here", k started it,
        // and d's refusal then sent it on to f: two copies.
        var (i, target) = Holding("i", ["d", "i", "k"], 10_000);
        var pushes = i.BeginLeave(10_100).Pushes;
        var receiver = pushes.Keys.Single();
        var asker = receiver == "d" ? "k" : "d";
        i.SetView(View("i", ["i", asker], departed: [receiver]));
        for (var round = 0; round < 2; round++)
        {
            var answer = i.Release(asker, 1, [target], 10_200 + round * 300, new PlannerActions()).Single();
            Assert.Equal((ReleaseOutcome.HandedOn, receiver, true, true), (answer.Outcome, answer.HandedTo, answer.ReceiverGone, answer.Unconfirmed));
        }
    }

    [Fact]
    public void An_unanswered_push_by_a_peer_still_here_is_waited_for_wherever_the_chain_ends()
    {
        // Seed 13572: d pushed the target to f (frozen, declared dead) and waited for the answer; the chain ended
        // later at l's claim, and l was only acquiring it. g started it, then f refused and d scraped on: two copies.
        var target = TargetOwnedBy("g", ["d", "g", "k", "l"]);
        var g = Planner("g", ["d", "g", "k", "l"], target);
        g.Reconcile(10_000);
        var pushed = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 9_000);
        var claimed = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, 10_000);
        g.OnReleaseAnswers("d", [target], [new ReleaseAnswer(target, ReleaseOutcome.HandedOn, pushed, "f", ReceiverGone: true, Unconfirmed: true, HandedToGeneration: 1)], 10_010);
        g.OnReleaseAnswers("k", [target], [new ReleaseAnswer(target, ReleaseOutcome.HandedOn, claimed, "l", HandedToGeneration: 1, Claim: true)], 10_020);
        Assert.Empty(g.OnReleaseAnswers("l", [target], [new ReleaseAnswer(target, ReleaseOutcome.Pending)], 10_030).Started);
    }
    [Fact]
    public void A_contender_whose_name_answered_before_it_asked_is_still_waited_for()
    {
        // Seed 14214: e's old process answered f's round ("handed on"), e restarted and asked f ("pending") before that
        // answer arrived. Taking it for the new process giving up, f started the target next to e's copy.
        var target = TargetOwnedBy("f", ["e", "f", "x"]);
        var f = Planner("f", ["e", "f", "x"], target);
        f.Reconcile(10_000);
        var notHere = new[] { new ReleaseAnswer(target, ReleaseOutcome.NotHere) };
        Assert.Equal(ReleaseOutcome.Pending, f.Release("e", 2, [target], 10_005, new PlannerActions()).Single().Outcome);
        f.OnReleaseAnswers("x", [target], notHere, 10_010);
        Assert.Empty(f.OnReleaseAnswers("e", [target], notHere, 10_030).Started); // sent before e asked: e goes first

        // The next round asks the new process; its "not here" now says it gave up.
        f.Reconcile(10_300);
        f.OnReleaseAnswers("x", [target], notHere, 10_310);
        Assert.Single(f.OnReleaseAnswers("e", [target], notHere, 10_320).Started);
    }
}
