using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ownership;
using AlloyOrleans.Grains.Ring;
using Xunit;

namespace AlloyOrleans.Tests.Ownership;

/// <summary>Planners, views and targets for the ownership tests: one silo's planner, fed by hand one input at a time.</summary>
internal static class OwnershipScenario
{
    public const long Interval = 1000;
    public static readonly OwnershipTimings Timings = new(HandOffTimeoutMs: 2000, UnseenPeerGraceMs: 6000, RetryMs: 250);

    public static (OwnershipPlanner Planner, TargetRef Target) Holding(string name, string[] nodes, long nowMs, string? ownerOf = null)
    {
        var target = TargetOwnedBy(ownerOf ?? name, nodes);
        var planner = Planner(name, [name], target);
        planner.Reconcile(nowMs);                            // alone: starts it afresh
        Assert.True(planner.Dispatcher.IsHeld(target));
        planner.SetView(View(name, nodes));
        return (planner, target);
    }

    /// <summary>
    /// The slots of <paramref name="target"/> the planner's dispatch loop starts from <paramref name="fromMs"/> to
    /// <paramref name="toMs"/>, turning every 50 ms as the scheduler's does.
    /// </summary>
    public static List<long> Scraped(OwnershipPlanner planner, TargetRef target, long fromMs, long toMs, PlannerActions? stopped = null)
    {
        var slots = new List<long>();
        for (var t = fromMs; t <= toMs; t += 50)
        {
            slots.AddRange(planner.TakeDue(t, stopped ?? new PlannerActions()).Where(d => d.Target == target).Select(d => d.SlotMs));
        }
        return slots;
    }

    /// <summary>Every slot of the target's grid in [<paramref name="fromMs"/>, <paramref name="toMs"/>).</summary>
    public static List<long> Slots(TargetRef target, long fromMs, long toMs)
    {
        var slots = new List<long>();
        for (var slot = Grains.Scrape.ScrapeSlots.AtOrAfter(target.Key, Interval, fromMs); slot < toMs; slot += Interval)
        {
            slots.Add(slot);
        }
        return slots;
    }

    public static OwnershipPlanner Planner(string name, string[] nodes, TargetRef target)
    {
        var planner = new OwnershipPlanner(name, Timings);
        planner.SetTargets(new Dictionary<TargetRef, TargetSpec> { [target] = new(Interval, Clustered: true) });
        planner.SetView(View(name, nodes));
        return planner;
    }

    public static OwnershipView View(string local, string[] nodes) =>
        new(local, 1, isReady: true, localHoldsName: true, HashRing.Build(nodes), RingAssignment.Instance);

    /// <summary>
    /// A view in which every silo is its first incarnation: <paramref name="nodes"/> active,
    /// <paramref name="terminating"/> shutting down, <paramref name="departed"/> declared dead by membership.
    /// </summary>
    public static OwnershipView View(string local, string[] nodes, string[]? terminating = null, string[]? departed = null) =>
        new(local, 2, isReady: true, localHoldsName: true, HashRing.Build(nodes), RingAssignment.Instance, terminating,
            nodes.Concat(terminating ?? []).ToDictionary(n => n, _ => 1), (departed ?? []).Select(n => (n, 1)));

    /// <summary>A target key the ring of <paramref name="nodes"/> gives to <paramref name="owner"/>.</summary>
    public static TargetRef TargetOwnedBy(string owner, string[] nodes) => TargetOwnedIn((owner, nodes));

    /// <summary>A target key each of the rings gives to the owner named with it (a view before and after a change).</summary>
    public static TargetRef TargetOwnedIn(params (string Owner, string[] Nodes)[] rings)
    {
        var built = rings.Select(r => (r.Owner, Ring: HashRing.Build(r.Nodes))).ToList();
        for (ulong i = 1; ; i++)
        {
            var key = i * 0x9E3779B97F4A7C15UL; // spread over the whole ring
            if (built.All(r => r.Ring.Owner(key) == r.Owner))
            {
                return new TargetRef("job", key);
            }
        }
    }
}
