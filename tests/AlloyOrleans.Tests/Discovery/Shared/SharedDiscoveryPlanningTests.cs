using System.Net;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Discovery.Shared;
using AlloyOrleans.Grains.Membership;
using AlloyOrleans.Grains.Ring;
using Orleans.Runtime;
using Xunit;

namespace AlloyOrleans.Tests.Discovery.Shared;

/// <summary>The pure decisions of discovery once per cluster: who runs it, which versions win, who still needs a list.</summary>
public sealed class SharedDiscoveryPlanningTests
{
    private static SiloAddress Silo(int port, int generation = 1) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), generation);

    private static ClusterView View(string local, bool ready, params (string Name, SiloAddress Silo)[] active) =>
        new(local, 1, ready, HashRing.Build(active.Select(a => a.Name)), active.ToDictionary(a => a.Name, a => a.Silo), []);

    private static SharedTargetList List(long version, params string[] addresses) =>
        new("discovery.file.pods", version, "a", addresses.Select(a => LabelSet.From(("__address__", a))).ToList());

    [Fact]
    public void Every_silo_names_the_same_single_runner_and_it_is_the_rings_owner_of_the_component_id()
    {
        var silos = Enumerable.Range(0, 10).Select(i => ($"silo-{i}", Silo(11000 + i))).ToArray();
        var components = Enumerable.Range(0, 200).Select(i => $"discovery.kubernetes.c{i}").ToList();
        foreach (var component in components)
        {
            var runners = silos.Where(s => DiscoveryRunnerChoice.IsLocal(View(s.Item1, true, silos), component)).Select(s => s.Item1).ToList();
            var runner = Assert.Single(runners);
            Assert.Equal(HashRing.Build(silos.Select(s => s.Item1)).Owner(DiscoveryRunnerChoice.Key(component)), runner);
        }
        // Spread over the silos as targets are, not all on one.
        var perSilo = components.GroupBy(c => DiscoveryRunnerChoice.Runner(View("silo-0", true, silos), c)).ToList();
        Assert.True(perSilo.Count >= 8, $"200 components landed on only {perSilo.Count} of 10 silos");
    }

    [Fact]
    public void A_join_moves_a_component_only_to_the_joining_silo_and_a_leave_only_moves_the_leavers()
    {
        var three = new[] { ("a", Silo(1)), ("b", Silo(2)), ("c", Silo(3)) };
        var four = three.Append(("d", Silo(4))).ToArray();
        for (var i = 0; i < 200; i++)
        {
            var component = $"discovery.file.f{i}";
            var before = DiscoveryRunnerChoice.Runner(View("a", true, three), component);
            var afterJoin = DiscoveryRunnerChoice.Runner(View("a", true, four), component);
            Assert.True(afterJoin == before || afterJoin == "d", $"{component} moved from {before} to {afterJoin} on d's join");
            var afterLeave = DiscoveryRunnerChoice.Runner(View("a", true, three.Where(s => s.Item1 != "b").ToArray()), component);
            Assert.True(before == "b" || afterLeave == before, $"{component} moved from {before} to {afterLeave} when b left");
        }
    }

    [Fact]
    public void Nobody_runs_it_before_the_cluster_is_ready_or_while_this_silo_sees_no_active_silo()
    {
        var silos = new[] { ("a", Silo(1)) };
        Assert.True(DiscoveryRunnerChoice.IsLocal(View("a", true, silos), "discovery.file.x"));
        Assert.False(DiscoveryRunnerChoice.IsLocal(View("a", false, silos), "discovery.file.x"));
        Assert.Null(DiscoveryRunnerChoice.Runner(View("a", true), "discovery.file.x"));
    }

    [Fact]
    public void A_second_silo_with_the_runners_name_does_not_run_it()
    {
        var view = new ClusterView("a", 1, true, HashRing.Build(["a"]), new Dictionary<string, SiloAddress> { ["a"] = Silo(1) }, [], localHoldsName: false);
        Assert.Equal("a", DiscoveryRunnerChoice.Runner(view, "discovery.file.x"));
        Assert.False(DiscoveryRunnerChoice.IsLocal(view, "discovery.file.x"));
    }

    [Fact]
    public void A_new_version_is_above_every_known_one_even_when_the_clock_is_behind()
    {
        Assert.Equal(5_000, SharedTargetVersion.Next(nowMs: 5_000, highestKnown: 10));
        Assert.Equal(9_001, SharedTargetVersion.Next(nowMs: 5_000, highestKnown: 9_000));
        Assert.Equal(1, SharedTargetVersion.Next(nowMs: 0, highestKnown: 0));
    }

    [Fact]
    public void The_store_keeps_only_newer_lists_and_tells_subscribers_of_those_alone()
    {
        var store = new SharedTargetStore();
        var seen = new List<long>();
        using var subscription = store.Subscribe("discovery.file.pods", l => seen.Add(l.Version));

        Assert.Equal(10, store.Offer(List(10, "h:1")));
        Assert.Equal(10, store.Offer(List(7, "stale:1")));      // a late delivery from a replaced runner
        Assert.Equal(10, store.Offer(List(10, "h:1")));         // the same delivery again
        Assert.Equal(12, store.Offer(List(12, "h:1", "h:2")));

        Assert.Equal([10, 12], seen);
        Assert.Equal(["h:1", "h:2"], store.Latest("discovery.file.pods")!.Targets.Select(t => t.Get("__address__")));
        Assert.Equal(0, store.Version("discovery.file.other"));
    }

    [Fact]
    public void An_empty_newer_list_is_kept_because_the_discoverer_found_no_targets()
    {
        var store = new SharedTargetStore();
        store.Offer(List(1, "h:1"));
        store.Offer(List(2));
        Assert.Empty(store.Latest("discovery.file.pods")!.Targets);
    }

    [Fact]
    public void A_disposed_subscription_hears_nothing_more()
    {
        var store = new SharedTargetStore();
        var seen = 0;
        var subscription = store.Subscribe("discovery.file.pods", _ => seen++);
        store.Offer(List(1));
        subscription.Dispose();
        store.Offer(List(2));
        Assert.Equal(1, seen);
    }

    [Fact]
    public void Deliveries_go_to_every_other_active_silo_until_it_acknowledges_and_again_to_one_restarted_under_its_name()
    {
        var tracker = new DeliveryTracker();
        var view = View("a", true, ("a", Silo(1)), ("b", Silo(2)), ("c", Silo(3)));
        Assert.Equal(["b", "c"], tracker.Due(view, 5).Select(d => d.Name));

        tracker.Acknowledge(Silo(2), 5);
        tracker.Acknowledge(Silo(3), 9); // c already held a newer list
        Assert.Empty(tracker.Due(view, 5));
        Assert.Equal(["b", "c"], tracker.Due(view, 10).Select(d => d.Name));

        var restarted = View("a", true, ("a", Silo(1)), ("b", Silo(2, generation: 2)), ("c", Silo(3)));
        Assert.Equal(["b"], tracker.Due(restarted, 9).Select(d => d.Name));
    }
}
