using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Membership;
using Microsoft.Extensions.Options;

namespace AlloyOrleans.Grains.Placement;

/// <summary>
/// One component's weights table. State lives in memory: if the grain's silo goes away, the grain is activated
/// elsewhere and the silos seed it with the table they hold, so placement carries on; until then they keep placing
/// with that table, which they share. Decisions are <see cref="TargetWeightsLedger"/> and <see cref="RebalanceGate"/>.
/// </summary>
public sealed class TargetWeightsGrain(ClusterViewService cluster, TimeProvider time, IOptions<PublishingOptions> options) : Grain, ITargetWeightsGrain
{
    private readonly PublishingOptions _options = options.Value;
    private TargetWeightsLedger? _ledger;
    private TargetWeights _published = TargetWeights.Empty;
    private long _publishedAtMs; // the epoch: "long ago", without overflowing a TimeSpan
    private long _decidedAtMs;

    private TargetWeightsLedger Ledger => _ledger ??= new TargetWeightsLedger(_options);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The first decision waits one interval, so every owner has reported before the first table is placed.
        _decidedAtMs = NowMs();
        return Task.CompletedTask;
    }

    public Task<TargetWeightsSnapshot?> GetIfChanged(long knownVersion) =>
        Task.FromResult(_published.Version == knownVersion ? null : PlacementSnapshots.From(_published));

    public Task Report(string reporter, TargetSample[] samples)
    {
        var now = NowMs();
        foreach (var sample in samples)
        {
            Ledger.Observe(sample.Key, sample.SamplesPerScrape, now);
        }
        // A decision places the whole table twice; take one per interval, not one per report.
        if (now - _decidedAtMs < _options.MinInterval.TotalMilliseconds)
        {
            return Task.CompletedTask;
        }
        _decidedAtMs = now;
        // Versions only need to differ; wall-clock milliseconds keep a re-activated grain from reusing an old one.
        var version = Math.Max(_published.Version + 1, now);
        var measured = Ledger.Candidate(version, now);
        var next = RebalanceGate.Decide(_published, measured, cluster.Current.Ring, TimeSpan.FromMilliseconds(now - _publishedAtMs), version, _options);
        if (next is not null)
        {
            _published = next;
            _publishedAtMs = now;
        }
        return Task.CompletedTask;
    }

    public Task Seed(TargetWeightsSnapshot snapshot)
    {
        if (_published.Version == 0 && snapshot.Version != 0)
        {
            _published = PlacementSnapshots.ToTable(snapshot);
            _publishedAtMs = NowMs();
            Ledger.SeedFrom(_published, _publishedAtMs);
        }
        return Task.CompletedTask;
    }

    private long NowMs() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
