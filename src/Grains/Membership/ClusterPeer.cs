namespace AlloyOrleans.Grains.Membership;

/// <summary>A silo as operators see it (Alloy's peer): its name, address, state, and whether it is this silo.</summary>
/// <param name="Generation">The Orleans generation of the process: a silo restarted under its name has a new one.</param>
public sealed record ClusterPeer(string Name, string Address, PeerState State, bool IsSelf, int Generation = 0);

/// <summary>Alloy's node states, mapped from Orleans silo statuses.</summary>
public enum PeerState
{
    /// <summary>Joined but owning nothing yet (Orleans Created/Joining, or a second silo with a taken name).</summary>
    Viewer,

    /// <summary>Active: owns its share of the ring.</summary>
    Participant,

    /// <summary>Shutting down or stopping: out of the ring, handing its targets over.</summary>
    Terminating,
}
