using AlloyOrleans.Grains.Ownership;
using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Tests.Simulation;

/// <summary>
/// The membership table of the simulated cluster, as Orleans keeps it: one row per silo incarnation (name and
/// generation) with a status, and a version that every change bumps. A silo that becomes active reads the whole
/// table at that moment (Orleans writes its Active row with the table version as an optimistic-concurrency check),
/// so it sees every silo that was active before it; the others learn of each change later, each at its own delay.
/// </summary>
public sealed class SimulatedMembership
{
    private static readonly Dictionary<string, HashRing> Rings = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Name, int Generation), Status> _rows = [];

    public long Version { get; private set; }

    public enum Status { Joining, Active, ShuttingDown, Dead }

    public void Set(string name, int generation, Status status)
    {
        _rows[(name, generation)] = status;
        Version++;
    }

    public Status? StatusOf(string name, int generation) => _rows.TryGetValue((name, generation), out var status) ? status : null;

    /// <summary>A copy of the table: what a silo's view holds once a change reaches it.</summary>
    public Snapshot Take() => new(Version, new Dictionary<(string, int), Status>(_rows));

    public sealed record Snapshot(long Version, IReadOnlyDictionary<(string Name, int Generation), Status> Rows)
    {
        /// <summary>The ownership view of the silo <paramref name="name"/>#<paramref name="generation"/> from this snapshot.</summary>
        public OwnershipView ViewOf(string name, int generation)
        {
            // The active silo that represents each name is its earliest generation (as ClusterViewService picks it).
            var byName = Rows.Where(r => r.Value == Status.Active)
                .GroupBy(r => r.Key.Name, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Min(r => r.Key.Generation), StringComparer.Ordinal);
            var holdsName = !byName.TryGetValue(name, out var holder) || holder == generation;
            var terminating = Rows.Where(r => r.Value == Status.ShuttingDown).Select(r => r.Key).ToList();
            // Two processes of one name may be shutting down at once (a restart that leaves again before the first has
            // finished leaving): the view shows the earliest, as for active ones.
            var incarnations = terminating.GroupBy(t => t.Name, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Min(t => t.Generation), StringComparer.Ordinal);
            foreach (var (active, activeGeneration) in byName)
            {
                incarnations[active] = activeGeneration;
            }
            return new OwnershipView(name, Version, isReady: true, holdsName, RingOf(byName.Keys), RingAssignment.Instance,
                [.. terminating.Select(t => t.Name).Distinct(StringComparer.Ordinal)], incarnations, Rows.Where(r => r.Value == Status.Dead).Select(r => r.Key));
        }
    }

    /// <summary>Rings are pure functions of their node names: built once per set across all seeds.</summary>
    private static HashRing RingOf(IEnumerable<string> nodes)
    {
        var sorted = nodes.Order(StringComparer.Ordinal).ToList();
        var signature = string.Join(',', sorted);
        lock (Rings)
        {
            if (!Rings.TryGetValue(signature, out var ring))
            {
                ring = HashRing.Build(sorted);
                Rings[signature] = ring;
            }
            return ring;
        }
    }
}
