using System.Collections.Concurrent;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Grains.Ownership;

/// <summary>
/// The cluster as the ownership planner needs it: this silo's name, readiness, the active nodes, and who owns each
/// key — in this view, and in this view without some nodes (where a leaving silo's targets go). Immutable; built from
/// the membership view by the silo and from a simulated membership by the simulation.
/// </summary>
public sealed class OwnershipView
{
    private readonly ITargetAssignment _assignment;
    private readonly HashRing _ring;
    private readonly ConcurrentDictionary<string, ITargetOwnership> _without = new(StringComparer.Ordinal);
    private readonly ITargetOwnership _owners;
    private readonly IReadOnlyDictionary<string, int>? _incarnations;
    private readonly HashSet<(string Name, int Incarnation)> _departed;

    /// <param name="terminating">Silos shutting down: out of the ring, but still to be asked for targets they may hold.</param>
    /// <param name="incarnations">Which process (Orleans generation) each peer name stands for in this view: a silo
    /// restarted under its name is another incarnation, and a hand-off to the old one says nothing about the new.</param>
    /// <param name="departed">Incarnations membership has declared dead (crashed, or finished leaving): what tells a
    /// peer this view never showed (it came and went while the view lagged) from one this view has not caught up with.</param>
    public OwnershipView(
        string localName, long version, bool isReady, bool localHoldsName, HashRing ring, ITargetAssignment assignment,
        IReadOnlyCollection<string>? terminating = null, IReadOnlyDictionary<string, int>? incarnations = null,
        IEnumerable<(string Name, int Incarnation)>? departed = null)
    {
        _incarnations = incarnations;
        _departed = [.. departed ?? []];
        LocalName = localName;
        Version = version;
        IsReady = isReady;
        LocalHoldsName = localHoldsName;
        _ring = ring;
        _assignment = assignment;
        _owners = assignment.Assign(ring);
        Active = new HashSet<string>(ring.Nodes, StringComparer.Ordinal);
        Peers = [.. Active.Concat(terminating ?? []).Where(n => n != localName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The silos an acquisition asks: every active one but this, and the ones shutting down (a leaving silo may drop out
    /// of the ring before it has pushed its targets, and then still scrapes them).
    /// </summary>
    public IReadOnlyList<string> Peers { get; }

    public string LocalName { get; }

    public long Version { get; }

    public bool IsReady { get; }

    /// <summary>False when an earlier active silo holds this silo's name: this silo then owns nothing.</summary>
    public bool LocalHoldsName { get; }

    /// <summary>The nodes of the ring: the active silos by name.</summary>
    public IReadOnlySet<string> Active { get; }

    /// <summary>The owner of a clustered target: nobody while not ready, this silo when the ring is empty (fail-open).</summary>
    public string? Owner(TargetRef target)
    {
        if (!IsReady)
        {
            return null;
        }
        return Active.Count == 0 ? LocalName : _owners.OwnerOf(target);
    }

    public bool IsLocal(TargetRef target) => LocalHoldsName && Owner(target) == LocalName;

    public bool IsActive(string node) => Active.Contains(node);

    /// <summary>Whether this view shows that incarnation of a peer (active or shutting down); null matches any.</summary>
    public bool Shows(string node, int? incarnation) =>
        Peers.Contains(node) && (incarnation is null || _incarnations is null || _incarnations.GetValueOrDefault(node, incarnation.Value) == incarnation);

    /// <summary>Whether membership declared that incarnation of a peer dead (false when the incarnation is unknown).</summary>
    public bool HasDeparted(string node, int? incarnation) => incarnation is { } i && _departed.Contains((node, i));

    /// <summary>The incarnation this view shows for a peer, when known.</summary>
    public int? IncarnationOf(string node) => _incarnations is not null && _incarnations.TryGetValue(node, out var i) ? i : null;

    /// <summary>The owner of <paramref name="target"/> in this view without the given nodes (null when none is left).</summary>
    public string? OwnerWithout(TargetRef target, IReadOnlyCollection<string> excluded)
    {
        if (excluded.Count == 0)
        {
            return Active.Count == 0 ? null : _owners.OwnerOf(target);
        }
        var remaining = Active.Where(n => !excluded.Contains(n)).ToList();
        if (remaining.Count == 0)
        {
            return null;
        }
        var signature = string.Join('\n', excluded.Order(StringComparer.Ordinal));
        return _without.GetOrAdd(signature, _ => _assignment.Assign(HashRing.Build(remaining))).OwnerOf(target);
    }

    /// <summary>The ring a view of these nodes has; the same ring instance when the nodes are the view's own.</summary>
    public HashRing Ring => _ring;
}
