using System.Collections.Concurrent;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ownership;
using AlloyOrleans.Grains.Ring;
using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Grains.Placement;

/// <summary>
/// The ownership seam with load-aware placement: a component with <c>clustering { balance = "samples" }</c> follows
/// the assignment of its weights table on the ring; every other component, and every target the table does not know,
/// follows the plain ring. Each ring it is asked about gets one answer per component for the life of that answer, so a
/// table that arrives while the planner works changes the next reconcile, not this one.
/// </summary>
public sealed class LoadAwareAssignment(PlacementTables tables, ScrapeTargetRegistry registry) : ITargetAssignment
{
    public ITargetOwnership Assign(HashRing ring) => new Ownership(ring, tables, registry.Jobs);

    public event Action? Changed
    {
        add => tables.Changed += value;
        remove => tables.Changed -= value;
    }

    private sealed class Ownership(HashRing ring, PlacementTables tables, IReadOnlyDictionary<string, ScrapeJobTargets> jobs) : ITargetOwnership
    {
        private readonly ConcurrentDictionary<string, Assignment?> _byComponent = new(StringComparer.Ordinal);

        public string? OwnerOf(TargetRef target)
        {
            var assignment = _byComponent.GetOrAdd(target.ComponentId, id =>
                jobs.TryGetValue(id, out var entry) && entry.Job is { ClusteringEnabled: true, Balance: ScrapeBalance.Samples }
                    ? tables.AssignmentOf(id, ring)
                    : null);
            return assignment is null ? ring.Owner(target.Key) : assignment.Owner(target.Key);
        }
    }
}
