using AlloyOrleans.Grains.Ring;
using Orleans.Runtime;

namespace AlloyOrleans.Grains.Membership;

/// <summary>
/// An immutable picture of the cluster as this silo sees it: the ring over the active silos' names, readiness and
/// the peers. Every silo computes the same ring from the same membership, so ownership needs no negotiation.
/// </summary>
public sealed class ClusterView
{
    public ClusterView(
        string localName,
        long version,
        bool isReady,
        HashRing ring,
        IReadOnlyDictionary<string, SiloAddress> activeByName,
        IReadOnlyList<ClusterPeer> peers,
        bool localHoldsName = true,
        IReadOnlyList<(string Name, int Generation)>? departed = null)
    {
        Departed = departed ?? [];
        LocalHoldsName = localHoldsName;
        LocalName = localName;
        Version = version;
        IsReady = isReady;
        Ring = ring;
        ActiveByName = activeByName;
        Peers = peers;
    }

    public string LocalName { get; }

    /// <summary>Increases with every change of the active set or of readiness.</summary>
    public long Version { get; }

    public bool IsReady { get; }

    public HashRing Ring { get; }

    /// <summary>The active silo that represents each name (the earliest started where a name is taken twice).</summary>
    public IReadOnlyDictionary<string, SiloAddress> ActiveByName { get; }

    public IReadOnlyList<ClusterPeer> Peers { get; }

    /// <summary>
    /// The silo processes membership has declared dead, by name and Orleans generation: what tells a peer that came
    /// and went while this view lagged from one this view has not caught up with yet.
    /// </summary>
    public IReadOnlyList<(string Name, int Generation)> Departed { get; }

    /// <summary>
    /// The node that owns <paramref name="key"/>: nobody while not ready, this silo when the ring is empty
    /// (fail-open, as Alloy), otherwise the ring's owner.
    /// </summary>
    public string? Owner(ulong key)
    {
        if (!IsReady)
        {
            return null;
        }
        return Ring.Nodes.Count == 0 ? LocalName : Ring.Owner(key);
    }

    /// <summary>
    /// False when another active silo, started earlier, has this silo's name: a misconfiguration in which this silo
    /// owns nothing, so ownership stays deterministic.
    /// </summary>
    public bool LocalHoldsName { get; }

    /// <summary>Whether this silo should scrape a clustered target with this key.</summary>
    public bool IsLocal(ulong key) => LocalHoldsName && Owner(key) == LocalName;

    public bool IsActive(string nodeName) => ActiveByName.ContainsKey(nodeName);

    /// <summary>
    /// The Orleans generation each peer name stands for: the active silo holding the name, else the one shutting down.
    /// </summary>
    public IReadOnlyDictionary<string, int> Generations
    {
        get
        {
            var generations = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var peer in Peers.Where(p => p.State == PeerState.Terminating))
            {
                generations[peer.Name] = peer.Generation;
            }
            foreach (var (name, address) in ActiveByName)
            {
                generations[name] = address.Generation;
            }
            return generations;
        }
    }
}
