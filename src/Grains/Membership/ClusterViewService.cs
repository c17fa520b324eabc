using System.Diagnostics.Metrics;
using AlloyOrleans.Grains.Ring;
using AlloyOrleans.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;

namespace AlloyOrleans.Grains.Membership;

/// <summary>
/// Keeps this silo's <see cref="ClusterView"/> current from Orleans membership: the ring over the names of the
/// <c>Active</c> silos, rebuilt only when that set (or readiness) changes — Orleans can deliver one version twice.
/// It also keeps the <see cref="Fence"/> fed: every snapshot that shows this silo active confirms its membership, and
/// so does, between snapshots, a peer's answer (peers refuse calls from a silo they declared dead) or, after a stall or
/// when no peer answers, a refresh of the membership table.
/// </summary>
public sealed partial class ClusterViewService : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly IClusterMembershipService _membership;
    private readonly ILocalSiloDetails _localSilo;
    private readonly TimeProvider _time;
    private readonly ILogger<ClusterViewService> _logger;
    private readonly ClusterReadiness _readiness;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private readonly Histogram<double> _updateDuration;
    private ClusterMembershipSnapshot? _lastSnapshot;
    private string _activeSetSignature = string.Empty;
    private ClusterView _current;
    private Task _loop = Task.CompletedTask;
    private int _nameConflicts;
    private readonly IGrainFactory _grains;
    private readonly IClusterManifestProvider _manifests;

    // An update covers the ring rebuild and the observers (the scheduler re-deciding ownership of every target), so it
    // spans from a fraction of a millisecond (few silos, few targets) to a second (many of both).
    private static readonly double[] UpdateDurationBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    public ClusterViewService(
        IClusterMembershipService membership,
        ILocalSiloDetails localSilo,
        IOptions<ClusterOwnershipOptions> options,
        IOptions<ClusterMembershipOptions> membershipOptions,
        IGrainFactory grains,
        IClusterManifestProvider manifests,
        TimeProvider time,
        IMeterFactory meterFactory,
        ILogger<ClusterViewService> logger)
    {
        _membership = membership;
        _localSilo = localSilo;
        _time = time;
        _logger = logger;
        _grains = grains;
        _manifests = manifests;
        Fence = new MembershipFence(FailureDetectionWindowMs(membershipOptions.Value));
        _readiness = new ClusterReadiness(options.Value.MinimumClusterSize, options.Value.WaitTimeout, time.GetUtcNow());
        _current = new ClusterView(localSilo.Name, 0, isReady: false, HashRing.Empty, new Dictionary<string, SiloAddress>(), []);

        var meter = AlloyMeter.For(meterFactory);
        _updateDuration = meter.CreateHistogram("cluster_node_update_duration_seconds",
            description: "Time spent rebuilding the ring and telling its observers after the set of active silos changed.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = UpdateDurationBuckets });
        meter.CreateObservableGauge("cluster_ready_for_traffic", () => Current.IsReady ? 1 : 0,
            description: "1 when the cluster has reached --cluster.wait-for-size (or the wait timed out).");
        meter.CreateObservableGauge("cluster_minimum_size", () => _readiness.MinimumSize,
            description: "The --cluster.wait-for-size setting.");
        meter.CreateObservableGauge("cluster_node_name_conflict", () => Volatile.Read(ref _nameConflicts),
            description: "Names held by more than one active silo (a misconfiguration).");
        meter.CreateObservableGauge("cluster_node_peers", ObservePeers,
            description: "Peers known to this silo, by state.");
        meter.CreateObservableGauge("cluster_node_info", ObserveSelf,
            description: "This silo's state in the cluster.");
    }

    /// <summary>Whether this silo may scrape clustered targets now (it can show it is still an active member).</summary>
    public MembershipFence Fence { get; }

    /// <summary>
    /// The shortest time in which peers can declare this silo dead: the missed probes a suspicion needs, one probe
    /// period each. A silo that cannot confirm its membership for that long may already have been replaced.
    /// </summary>
    public static long FailureDetectionWindowMs(ClusterMembershipOptions options) =>
        (long)(options.ProbeTimeout.TotalMilliseconds * Math.Max(1, options.NumMissedProbesLimit));

    /// <summary>
    /// Whether a grain placed by name (<see cref="SiloNamePlacement"/>) can be activated on that node now: it is
    /// active in this view and its grain manifest has reached this silo. A silo that has just joined is active before
    /// its manifest arrives; a call placed on it meanwhile waits out Orleans' placement retries (seconds) and fails.
    /// </summary>
    public bool CanPlaceOn(string nodeName) =>
        Current.ActiveByName.TryGetValue(nodeName, out var silo) && _manifests.Current.Silos.ContainsKey(silo);

    /// <summary>This process's Orleans generation: with the node name, which incarnation of the silo this is.</summary>
    public int LocalGeneration => _localSilo.SiloAddress.Generation;

    /// <summary>The latest view; replaced atomically.</summary>
    public ClusterView Current => Volatile.Read(ref _current);

    /// <summary>Raised after <see cref="Current"/> changes, on the membership loop; handlers must be quick.</summary>
    public event Action<ClusterView>? Changed;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ClusterViewService), ServiceLifecycleStage.AfterRuntimeGrainServices, OnStart, OnStop);

    private Task OnStart(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => FollowMembershipAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task FollowMembershipAsync(CancellationToken cancellationToken)
    {
        var deadlineTimer = Task.Run(() => ReevaluateAtDeadlinesAsync(cancellationToken), CancellationToken.None);
        var confirmations = Task.Run(() => ConfirmMembershipAsync(cancellationToken), CancellationToken.None);
        try
        {
            await foreach (var snapshot in _membership.MembershipUpdates.WithCancellation(cancellationToken))
            {
                Apply(snapshot);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        await deadlineTimer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await confirmations.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>
    /// Confirms this silo's membership four times per failure-detection window while membership is quiet. Normally by
    /// one peer's answer (a peer refuses calls from a silo it declared dead, and a silo cut off from its peers hears
    /// none): a grain call to a peer picked at random, so the membership table is read no more often than Orleans
    /// itself reads it and no peer gets every silo's checks. The table decides when the peers cannot: after a stall
    /// (peers may have declared this silo dead moments ago, and the table holds the verdict first), when no peer
    /// answers, and on a silo without peers. When the table cannot be read either, any peer's answer still counts:
    /// a database outage must not stop scraping.
    /// </summary>
    private async Task ConfirmMembershipAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromMilliseconds(Math.Max(50, Fence.WindowMs / 4));
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var requestedAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
            if (!Fence.AwaitsStallEvidence && await ConfirmByPeersAsync(requestedAt, attempts: 1, cancellationToken))
            {
                continue;
            }
            try
            {
                await _membership.Refresh().AsTask().WaitAsync(TimeSpan.FromMilliseconds(Fence.WindowMs), _time, cancellationToken);
                ConfirmFrom(_membership.CurrentSnapshot, requestedAt);
                continue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogRefreshFailed(ex.Message);
            }
            await ConfirmByPeersAsync(requestedAt, attempts: 2, cancellationToken);
        }
    }

    /// <summary>Asks up to <paramref name="attempts"/> peers, picked at random, until one answers; true when one did.</summary>
    private async Task<bool> ConfirmByPeersAsync(long requestedAt, int attempts, CancellationToken cancellationToken)
    {
        var peers = Current.ActiveByName.Keys.Where(n => n != _localSilo.Name).ToArray();
        Random.Shared.Shuffle(peers);
        foreach (var peer in peers.Take(attempts))
        {
            try
            {
                await _grains.GetGrain<Abstractions.IScrapeCoordinatorGrain>(peer).Ping()
                    .WaitAsync(TimeSpan.FromMilliseconds(Fence.WindowMs), _time, cancellationToken);
                Fence.Confirm(requestedAt);
                return true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogPeerUnreachable(peer, ex.Message);
            }
        }
        return false;
    }

    private void ConfirmFrom(ClusterMembershipSnapshot snapshot, long requestedAtMs, bool fresh = true)
    {
        var status = snapshot.GetSiloStatus(_localSilo.SiloAddress);
        if (status == SiloStatus.Dead)
        {
            Fence.Dead();
        }
        else if (status is SiloStatus.Active or SiloStatus.ShuttingDown or SiloStatus.Stopping)
        {
            // Not declared dead: a leaving silo still scrapes the targets it handed over up to their handed slots.
            Fence.Confirm(requestedAtMs, fresh);
        }
    }

    /// <summary>The wait-for-size deadline can pass while membership is quiet: look again when it does.</summary>
    private async Task ReevaluateAtDeadlinesAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var deadline = _readiness.Deadline;
            var delay = deadline is { } d ? d - _time.GetUtcNow() : TimeSpan.FromSeconds(1);
            await Task.Delay(delay < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : delay, _time, cancellationToken);
            if (_lastSnapshot is { } snapshot)
            {
                Apply(snapshot);
            }
        }
    }

    private void Apply(ClusterMembershipSnapshot snapshot)
    {
        var started = _time.GetTimestamp();
        // An update delivered now may have waited in the stream through a freeze: it confirms, but lifts no stall.
        ConfirmFrom(snapshot, _time.GetUtcNow().ToUnixTimeMilliseconds(), fresh: false);
        ClusterView view;
        lock (_gate)
        {
            _lastSnapshot = snapshot;
            var active = snapshot.Members.Values
                .Where(m => m.Status == SiloStatus.Active)
                .OrderBy(m => m.SiloAddress.Generation)
                .ThenBy(m => m.SiloAddress.ToParsableString(), StringComparer.Ordinal)
                .ToList();
            var byName = new Dictionary<string, SiloAddress>(StringComparer.Ordinal);
            var conflicts = new HashSet<string>(StringComparer.Ordinal);
            foreach (var member in active)
            {
                if (!byName.TryAdd(member.Name, member.SiloAddress))
                {
                    conflicts.Add(member.Name);
                }
            }
            Volatile.Write(ref _nameConflicts, conflicts.Count);
            foreach (var name in conflicts)
            {
                LogNameConflict(name, byName[name]);
            }

            var wasReady = _readiness.IsReady;
            var ready = _readiness.Update(byName.Count, _time.GetUtcNow());
            var signature = string.Join(",", byName.Select(p => p.Key + "@" + p.Value.ToParsableString()).Order(StringComparer.Ordinal))
                + "|" + ready + "|" + string.Join(",", snapshot.Members.Values.Select(m => m.SiloAddress + ":" + m.Status).Order(StringComparer.Ordinal));
            if (signature == _activeSetSignature)
            {
                return;
            }
            _activeSetSignature = signature;

            var ring = byName.Keys.SequenceEqual(_current.Ring.Nodes.Order(StringComparer.Ordinal), StringComparer.Ordinal)
                ? _current.Ring
                : HashRing.Build(byName.Keys);
            var localHoldsName = !byName.TryGetValue(_localSilo.Name, out var holder) || holder.Equals(_localSilo.SiloAddress);
            var departed = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => (m.Name, m.SiloAddress.Generation)).ToList();
            view = new ClusterView(_localSilo.Name, _current.Version + 1, ready, ring, byName, BuildPeers(snapshot, byName), localHoldsName, departed);
            Volatile.Write(ref _current, view);
            if (wasReady != ready)
            {
                LogReadiness(ready, byName.Count, _readiness.MinimumSize);
            }
            LogViewChanged(view.Version, byName.Count, ready);
        }
        Changed?.Invoke(view);
        _updateDuration.Record(_time.GetElapsedTime(started).TotalSeconds);
    }

    private List<ClusterPeer> BuildPeers(ClusterMembershipSnapshot snapshot, Dictionary<string, SiloAddress> activeByName)
    {
        var peers = new List<ClusterPeer>();
        foreach (var member in snapshot.Members.Values)
        {
            PeerState? state = member.Status switch
            {
                SiloStatus.Active => activeByName.TryGetValue(member.Name, out var holder) && holder.Equals(member.SiloAddress)
                    ? PeerState.Participant
                    : PeerState.Viewer,
                SiloStatus.Created or SiloStatus.Joining => PeerState.Viewer,
                SiloStatus.ShuttingDown or SiloStatus.Stopping => PeerState.Terminating,
                _ => null,
            };
            if (state is { } s)
            {
                peers.Add(new ClusterPeer(member.Name, member.SiloAddress.Endpoint.ToString(), s, member.SiloAddress.Equals(_localSilo.SiloAddress), member.SiloAddress.Generation));
            }
        }
        peers.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return peers;
    }

    private IEnumerable<Measurement<int>> ObservePeers()
    {
        var view = Current;
        var clusterName = new KeyValuePair<string, object?>("cluster_name", _localSilo.ClusterId);
        foreach (var state in Enum.GetValues<PeerState>())
        {
            yield return new Measurement<int>(view.Peers.Count(p => p.State == state), clusterName,
                new KeyValuePair<string, object?>("state", StateLabel(state)));
        }
    }

    private IEnumerable<Measurement<int>> ObserveSelf()
    {
        var self = Current.Peers.FirstOrDefault(p => p.IsSelf);
        var state = self?.State ?? PeerState.Viewer;
        yield return new Measurement<int>(1, new KeyValuePair<string, object?>("state", StateLabel(state)));
    }

    public static string StateLabel(PeerState state) => state switch
    {
        PeerState.Participant => "participant",
        PeerState.Terminating => "terminating",
        _ => "viewer",
    };

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(Level = LogLevel.Error, Message = "Two active silos are named {NodeName}; only {Holder} owns targets under that name. Give every silo a unique --cluster.node-name.")]
    private partial void LogNameConflict(string nodeName, SiloAddress holder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster readiness is now {Ready} with {ActiveSilos} active silos (wait-for-size {MinimumSize})")]
    private partial void LogReadiness(bool ready, int activeSilos, int minimumSize);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not refresh membership: {Error}")]
    private partial void LogRefreshFailed(string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Peer {Peer} did not answer a membership check: {Error}")]
    private partial void LogPeerUnreachable(string peer, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cluster view {Version}: {ActiveSilos} active silos, ready {Ready}")]
    private partial void LogViewChanged(long version, int activeSilos, bool ready);
}
