using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ownership;
using Xunit;
using static AlloyOrleans.Tests.Ownership.OwnershipScenario;

namespace AlloyOrleans.Tests.Ownership;

/// <summary>
/// The races a fenced silo took part in: one that may be declared dead already hands nothing on, and one that does
/// nothing meanwhile must not be waited for.
/// </summary>
public sealed partial class HandOffRaceTests
{
    [Fact]
    public void A_fenced_leaving_silo_pushes_nothing_on()
    {
        // Seed 11252: l, declared dead but not knowing it yet, was leaving; its pushes were refused by peers that knew,
        // and once it learned it, it pushed on to c, whose view lagged, next to the copy a survivor had started.
        var (l, target) = Holding("l", ["c", "h", "l"], 10_000);
        var pushes = l.BeginLeave(10_100).Pushes;
        var receiver = pushes.Keys.Single();
        l.Fenced = true;
        Assert.Empty(l.OnAcceptAnswers(receiver, pushes[receiver], null, 10_200, undelivered: true).Pushes);
        Assert.Empty(l.Reconcile(10_300).Pushes);
        l.Fenced = false;                                   // membership confirms it after all: it hands over
        Assert.Single(l.Reconcile(10_400).Pushes);
    }

    [Fact]
    public void A_fenced_silo_does_not_push_a_target_whose_owner_changed()
    {
        // Seed 24292: d, frozen past detection, resumed, learned it was dead, and still pushed its targets to their
        // owners in its last view; f took one while a, acquiring it, had just heard f say "not here".
        var (d, target) = Holding("d", ["d", "f"], 10_000, ownerOf: "f");
        d.Fenced = true;
        Assert.Empty(d.Reconcile(10_100).Pushes);
        d.Fenced = false;
        Assert.Single(d.Reconcile(10_200).Pushes);
    }

    [Fact]
    public void A_silo_that_only_waits_to_ask_again_is_not_pending_while_fenced_or_once_it_no_longer_owns_the_target()
    {
        // Seed 80362: d, resumed after a freeze, waited to ask again; its view then gave the target to h, which asked
        // d and heard "pending" — for a second, until d's next reconcile dropped the acquisition: slots lost.
        var (target, _) = KeyOwnedBy(("d", ["a", "d"]), ("h", ["a", "d", "h"]));
        var d = Planner("d", ["a", "d"], target);
        d.Reconcile(10_000);
        Assert.Empty(d.OnReleaseAnswers("a", [target], [new ReleaseAnswer(target, ReleaseOutcome.Pending)], 10_010).Started); // a sorts first
        Assert.Equal(ReleaseOutcome.Pending, d.Release("x", 1, [target], 10_050, new PlannerActions()).Single().Outcome);
        d.Fenced = true;
        Assert.NotEqual(ReleaseOutcome.Pending, d.Release("x", 1, [target], 10_100, new PlannerActions()).Single().Outcome);
        d.Fenced = false;
        d.SetView(View("d", ["a", "d", "h"]));
        Assert.NotEqual(ReleaseOutcome.Pending, d.Release("h", 1, [target], 10_200, new PlannerActions()).Single().Outcome);
    }

    /// <summary>A target the first ring gives to one silo and the second to another.</summary>
    private static (TargetRef Target, ulong Key) KeyOwnedBy((string Owner, string[] Nodes) first, (string Owner, string[] Nodes) second)
    {
        var (ring1, ring2) = (Grains.Ring.HashRing.Build(first.Nodes), Grains.Ring.HashRing.Build(second.Nodes));
        for (ulong i = 1; ; i++)
        {
            var key = i * 0x9E3779B97F4A7C15UL;
            if (ring1.Owner(key) == first.Owner && ring2.Owner(key) == second.Owner)
            {
                return (new TargetRef("job", key), key);
            }
        }
    }
}
