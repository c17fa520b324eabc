using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Membership;
using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Silo.Http;

/// <summary>
/// What the clustering page shows: every peer as Alloy lists it, plus each participant's share of the ring and the
/// load it reports through its own coordinator grain (targets, samples per second, targets down).
/// </summary>
public sealed class ClusterOverview(ClusterViewService cluster, IGrainFactory grains, ILocalSiloDetails localSilo)
{
    /// <summary>How long one peer may take to answer before the page shows it without its load.</summary>
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(2);

    private RingShares _shares = new(HashRing.Empty, new Dictionary<string, double>());

    public async Task<ClusterResponse> GetAsync(CancellationToken cancellationToken)
    {
        var view = cluster.Current;
        var shares = SharesOf(view.Ring);
        var peers = await Task.WhenAll(view.Peers.Select(peer => DescribeAsync(peer, shares, cancellationToken)));
        return new ClusterResponse(localSilo.ClusterId, view.LocalName, view.IsReady, view.Ring.Nodes.Count, peers);
    }

    private async Task<PeerOverview> DescribeAsync(ClusterPeer peer, IReadOnlyDictionary<string, double> shares, CancellationToken cancellationToken)
    {
        var state = ClusterViewService.StateLabel(peer.State);
        double? share = shares.TryGetValue(peer.Name, out var s) ? s : null;
        if (peer.State != PeerState.Participant)
        {
            // Only participants hold a coordinator (it is placed by name on the active silo holding that name).
            return new PeerOverview(peer.Name, peer.Address, peer.IsSelf, state, share, null, null, null, null);
        }
        try
        {
            var status = await grains.GetGrain<IScrapeCoordinatorGrain>(peer.Name).GetStatus().WaitAsync(PeerTimeout, cancellationToken);
            return new PeerOverview(peer.Name, peer.Address, peer.IsSelf, state, share, status.OwnedTargets, status.SamplesPerSecond, status.DownTargets, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new PeerOverview(peer.Name, peer.Address, peer.IsSelf, state, share, null, null, null, ex.Message);
        }
    }

    private IReadOnlyDictionary<string, double> SharesOf(HashRing ring)
    {
        var cached = Volatile.Read(ref _shares);
        if (ReferenceEquals(cached.Ring, ring))
        {
            return cached.Shares;
        }
        // A ring changes only with membership; recomputing its 512 tokens per node on every refresh would waste CPU.
        var shares = RingShare.Of(ring.Nodes);
        Volatile.Write(ref _shares, new RingShares(ring, shares));
        return shares;
    }
}

/// <summary>The shares of one ring, kept until membership builds another.</summary>
internal sealed record RingShares(HashRing Ring, IReadOnlyDictionary<string, double> Shares);

/// <summary>The <c>/api/v0/web/cluster</c> document.</summary>
public sealed record ClusterResponse(string ClusterName, string Self, bool ReadyForTraffic, int RingNodes, IReadOnlyList<PeerOverview> Peers);

/// <summary>
/// One peer: Alloy's fields (<c>name</c>, <c>addr</c>, <c>isSelf</c>, <c>state</c>), its ring share, and the load its
/// coordinator reported — null when the peer owns nothing or did not answer (then <c>error</c> says why).
/// </summary>
public sealed record PeerOverview(
    string Name,
    string Addr,
    bool IsSelf,
    string State,
    double? RingShare,
    int? Targets,
    double? SamplesPerSecond,
    int? DownTargets,
    string? Error);
