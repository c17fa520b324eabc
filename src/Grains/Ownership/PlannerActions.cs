using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Ownership;

/// <summary>Why the planner stopped holding a target.</summary>
public enum StopReason
{
    /// <summary>Another silo owns it now (released on request or pushed to it): no staleness markers.</summary>
    Moved,

    /// <summary>Discovery no longer lists it: its series end with staleness markers.</summary>
    Disappeared,

    /// <summary>The cluster is not ready (wait-for-size) or another silo holds this silo's name.</summary>
    NotReady,

    /// <summary>This silo is leaving.</summary>
    Leaving,
}

/// <summary>
/// What the planner wants done after one input: calls to peers (release requests, pushes) whose answers go back to
/// it, and the targets it started or stopped holding. The caller performs the calls outside any lock.
/// </summary>
public sealed class PlannerActions
{
    public Dictionary<string, List<TargetRef>> Pulls { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<TargetHandOff>> Pushes { get; } = new(StringComparer.Ordinal);

    public List<(TargetRef Target, long FirstSlotMs)> Started { get; } = [];

    public List<(TargetRef Target, StopReason Reason)> Stopped { get; } = [];

    public bool IsEmpty => Pulls.Count == 0 && Pushes.Count == 0 && Started.Count == 0 && Stopped.Count == 0;

    internal void Pull(string peer, TargetRef target) =>
        (Pulls.TryGetValue(peer, out var list) ? list : Pulls[peer] = []).Add(target);

    internal void Push(string peer, TargetHandOff handOff) =>
        (Pushes.TryGetValue(peer, out var list) ? list : Pushes[peer] = []).Add(handOff);
}
