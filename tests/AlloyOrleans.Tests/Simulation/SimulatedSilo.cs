using AlloyOrleans.Grains.Membership;
using AlloyOrleans.Grains.Ownership;

namespace AlloyOrleans.Tests.Simulation;

/// <summary>One incarnation of a silo in the simulation: the real planner and fence, and what the process is doing.</summary>
public sealed class SimulatedSilo(string name, int generation, OwnershipTimings timings, long fenceWindowMs, Action<string>? log = null)
{
    public string Name { get; } = name;

    public int Generation { get; } = generation;

    public string Id => $"{Name}#{Generation}";

    public OwnershipPlanner Planner { get; } = new(name, timings)
    {
        LocalIncarnation = generation,
        DecisionLog = log is null ? null : (target, decision) => log($"{name}#{generation} decides {target.Key:x16}: {decision}"),
    };

    public MembershipFence Fence { get; } = new(fenceWindowMs);

    /// <summary>The table version of the latest snapshot this silo's view holds.</summary>
    public long ViewVersion { get; set; } = -1;

    /// <summary>The snapshot its view holds: whom it knows to be dead (Orleans refuses messages from dead silos).</summary>
    public SimulatedMembership.Snapshot? View { get; set; }

    /// <summary>Active: it has written its Active row and runs its loops.</summary>
    public bool Active { get; set; }

    /// <summary>Gone: crashed, ended after learning it was declared dead, or finished leaving. It never runs again.</summary>
    public bool Gone { get; set; }

    public bool Leaving { get; set; }

    /// <summary>While frozen (SIGSTOP) nothing of it runs; its events wait until this time.</summary>
    public long FrozenUntilMs { get; set; }

    public long LastReconcileMs { get; set; }

    /// <summary>Its calls still waiting for an answer, by callee: Orleans fails them once it learns the callee is dead.</summary>
    public Dictionary<SimulatedSilo, List<Action>> Outstanding { get; } = [];

    public override string ToString() => Id;
}
