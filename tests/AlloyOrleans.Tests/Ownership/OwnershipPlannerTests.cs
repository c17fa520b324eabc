using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ownership;
using AlloyOrleans.Grains.Ring;
using AlloyOrleans.Grains.Scrape;
using Xunit;
using static AlloyOrleans.Tests.Ownership.OwnershipScenario;

namespace AlloyOrleans.Tests.Ownership;

/// <summary>
/// The planner's decisions one input at a time, for the interleavings the issue names: the answers to a release
/// request, a release that arrives mid-slot, hand-offs far in the past, accepts to a stopping silo, pulls in flight
/// while leaving, refused pushes and stale ledger entries.
/// </summary>
public sealed class OwnershipPlannerTests
{

    [Fact]
    public void Release_tells_apart_never_had_it_handed_it_on_and_acquiring_it()
    {
        var (a, target) = Holding("a", ["a", "b"], 10_000);
        var answer = a.Release("b", 1, [target], 10_100, new PlannerActions()).Single();
        Assert.Equal(ReleaseOutcome.Released, answer.Outcome);
        var first = answer.SlotMs!.Value;

        // Asked again by another silo: "handed on to b from that slot", not "never had it".
        var again = a.Release("c", 1, [target], 10_200, new PlannerActions()).Single();
        Assert.Equal((ReleaseOutcome.HandedOn, first, "b"), (again.Outcome, again.SlotMs!.Value, again.HandedTo));

        // A silo acquiring the target itself says so: ask again, nobody is free to start it.
        var c = Planner("c", ["a", "b", "c"], target);
        var owner = View("c", ["a", "b", "c"]).Owner(target);
        var acquirer = owner == "c" ? c : Planner(owner!, ["a", "b", "c"], target);
        var pulls = acquirer.Reconcile(10_000).Pulls;
        Assert.NotEmpty(pulls);
        Assert.Equal(ReleaseOutcome.Pending, acquirer.Release("zz", 1, [target], 10_010, new PlannerActions()).Single().Outcome);
    }

    [Fact]
    public void A_release_between_dispatch_and_pickup_hands_over_a_later_slot_and_the_dispatched_one_is_scraped_here_once()
    {
        var (a, target) = Holding("a", ["a", "b"], 10_000);
        var due = a.TakeDue(12_000, new PlannerActions()).Single(); // dispatched to a worker; the worker has all it needs
        var answer = a.Release("b", 1, [target], 12_001, new PlannerActions()).Single();
        // b starts at a later slot, which a scrapes up to: none scraped twice, none lost.
        Assert.True(answer.SlotMs > due.SlotMs);
        Assert.Equal(Slots(target, due.SlotMs + 1, answer.SlotMs!.Value), Scraped(a, target, 12_001, 20_000));
    }

    [Fact]
    public void A_handed_over_slot_far_in_the_past_starts_within_one_interval_of_now()
    {
        var target = TargetOwnedBy("b", ["a", "b"]);
        var b = Planner("b", ["a", "b"], target);
        var actions = new PlannerActions();
        var stale = ScrapeSlots.AtOrAfter(target.Key, Interval, 20_000 - 3 * Interval); // a slot three intervals back
        Assert.True(b.Accept("a", [new TargetHandOff(target, stale)], 20_000, actions).Single());
        var (_, first) = actions.Started.Single();
        Assert.InRange(first, 20_000 - Interval + 1, 20_000);
        Assert.Equal(stale % Interval, first % Interval);    // still on the target's grid
    }

    [Fact]
    public void A_stopping_or_fenced_silo_refuses_a_hand_off_and_the_sender_keeps_the_target()
    {
        var target = TargetOwnedBy("b", ["a", "b"]);
        var b = Planner("b", ["a", "b"], target);
        b.BeginLeave(10_000);
        Assert.False(b.Accept("a", [new TargetHandOff(target, 10_500)], 10_001, new PlannerActions()).Single());
        var fenced = Planner("b", ["a", "b"], target);
        fenced.Fenced = true;
        Assert.False(fenced.Accept("a", [new TargetHandOff(target, 10_500)], 10_001, new PlannerActions()).Single());

        // The sender, told no, scrapes it on from where it stopped.
        var (a, held) = Holding("a", ["a", "b"], 10_000, ownerOf: "b");
        var push = a.Reconcile(10_000).Pushes["b"].Single();
        a.TakeDue(push.NextSlotMs!.Value, new PlannerActions());   // its slots here are over
        var back = a.OnAcceptAnswers("b", [push], [false], push.NextSlotMs!.Value + 50);
        Assert.Equal(push.NextSlotMs, back.Started.Single().FirstSlotMs);
    }

    [Fact]
    public void A_leaving_silo_offers_a_refused_target_to_the_next_successor()
    {
        var (a, target) = Holding("a", ["a", "b", "c"], 10_000, ownerOf: "a");
        var leave = a.BeginLeave(11_000);
        var (first, handOffs) = leave.Pushes.Single();
        var retry = a.OnAcceptAnswers(first, handOffs, [false], 11_010);
        var (second, again) = retry.Pushes.Single();
        Assert.NotEqual(first, second);
        Assert.Equal(handOffs.Single().NextSlotMs, again.Single().NextSlotMs);
    }

    [Fact]
    public void A_release_that_arrives_while_the_silo_is_leaving_is_passed_on_not_dropped()
    {
        var target = TargetOwnedBy("b", ["a", "b", "c"]);
        var b = Planner("b", ["a", "b", "c"], target);
        var pulls = b.Reconcile(10_000).Pulls;
        Assert.NotEmpty(pulls);
        b.BeginLeave(10_010);
        var released = ScrapeSlots.AtOrAfter(target.Key, Interval, 10_500);
        PlannerActions? last = null;
        foreach (var (peer, asked) in pulls)
        {
            var answers = asked.Select(t => peer == "a" ? new ReleaseAnswer(t, ReleaseOutcome.Released, released) : new ReleaseAnswer(t, ReleaseOutcome.NotHere)).ToArray();
            last = b.OnReleaseAnswers(peer, asked, answers, 10_020);
            if (last.Pushes.Count > 0)
            {
                break;
            }
        }
        var push = Assert.Single(last!.Pushes);
        Assert.NotEqual("b", push.Key);
        Assert.Equal(released, push.Value.Single().NextSlotMs);
    }

    [Fact]
    public void A_hand_off_to_a_silo_that_left_the_view_does_not_hold_the_target_back_for_a_grace_period()
    {
        var (a, target) = Holding("a", ["a"], 10_000);
        a.SetView(View("a", ["a", "b"]));
        a.Release("b", 1, [target], 10_100, new PlannerActions());
        a.Reconcile(10_200);                                 // a sees b: the ledger notes it
        a.SetView(View("a", ["a"]));                         // b crashed and was declared dead
        Assert.Empty(a.Reconcile(10_300).Pulls);             // taken back at once, not after a 15 s grace: a still
        Assert.True(a.Dispatcher.IsHeld(target));            // scrapes the slots before the released one, and on
        Assert.Equal(Slots(target, 10_000, 16_000), Scraped(a, target, 10_000, 15_999));
    }
}
