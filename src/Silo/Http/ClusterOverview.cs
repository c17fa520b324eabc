using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Membership;
using AlloyOrleans.Grains.Placement;
using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Silo.Http;

/// <summary>
/// What the clustering page shows: every peer as Alloy lists it, plus each participant's share of the ring and the
/// load it reports through its own coordinator grain (targets, samples per second and their share, targets down),
/// the ring's arcs to draw, and the weights tables this silo places balanced components with.
/// </summary>
public sealed class ClusterOverview(
    ClusterViewService cluster, IGrainFactory grains, ILocalSiloDetails localSilo, PlacementTables tables, ILoadSource loads)
{
    /// <summary>How long one peer may take to answer before the page shows it without its load.</summary>
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(2);

    private RingShares _shares = new(HashRing.Empty, new Dictionary<string, double>(), []);

    public async Task<ClusterResponse> GetAsync(CancellationToken cancellationToken)
    {
        var view = cluster.Current;
        var shares = SharesOf(view.Ring);
        var peers = await Task.WhenAll(view.Peers.Select(peer => DescribeAsync(peer, shares, cancellationToken)));
        var total = peers.Sum(p => p.SamplesPerSecond ?? 0);
        var described = peers.Select(p => p with { SamplesShare = p.SamplesPerSecond is { } rate && total > 0 ? rate / total : null }).ToArray();
        var participants = peers.Count(p => p.State == ClusterViewService.StateLabel(PeerState.Participant));
        var weightsTables = loads.BalancedComponents().Order(StringComparer.Ordinal)
            .Select(id => (Id: id, Table: tables.TableOf(id)))
            .Select(t => new WeightsTableOverview(t.Id, t.Table.Version, t.Table.Count))
            .ToArray();
        return new ClusterResponse(localSilo.ClusterId, view.LocalName, view.IsReady, view.Ring.Nodes.Count, described,
            total, participants > 0 ? 1.0 / participants : null, ArcsOf(view.Ring), weightsTables);
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
        Volatile.Write(ref _shares, new RingShares(ring, shares, RingArcs.Of(ring)));
        return shares;
    }

    private IReadOnlyList<RingArc> ArcsOf(HashRing ring)
    {
        var cached = Volatile.Read(ref _shares);
        return ReferenceEquals(cached.Ring, ring) ? cached.Arcs : RingArcs.Of(ring);
    }
}

/// <summary>The shares and arcs of one ring, kept until membership builds another.</summary>
internal sealed record RingShares(HashRing Ring, IReadOnlyDictionary<string, double> Shares, IReadOnlyList<RingArc> Arcs);

/// <summary>The <c>/api/v0/web/cluster</c> document.</summary>
/// <param name="SamplesPerSecond">The samples per second all peers reported, summed.</param>
/// <param name="FairShare">Each participant's fair share of the load (1 / participants), null with none.</param>
/// <param name="RingArcs">The ring drawn as arcs of the key space (fractions 0..1), each with its node.</param>
/// <param name="WeightsTables">Per component with <c>balance = "samples"</c>: the weights table version this silo places with (0: none yet, the plain ring).</param>
public sealed record ClusterResponse(
    string ClusterName,
    string Self,
    bool ReadyForTraffic,
    int RingNodes,
    IReadOnlyList<PeerOverview> Peers,
    double SamplesPerSecond,
    double? FairShare,
    IReadOnlyList<RingArc> RingArcs,
    IReadOnlyList<WeightsTableOverview> WeightsTables);

/// <summary>One balanced component's weights table as this silo holds it.</summary>
public sealed record WeightsTableOverview(string Component, long Version, int Targets);

/// <summary>
/// One peer: Alloy's fields (<c>name</c>, <c>addr</c>, <c>isSelf</c>, <c>state</c>), its ring share, and the load its
/// coordinator reported — null when the peer owns nothing or did not answer (then <c>error</c> says why) — with its
/// share of the cluster's samples per second.
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
    string? Error,
    double? SamplesShare = null);
