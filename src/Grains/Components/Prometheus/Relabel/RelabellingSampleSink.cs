using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Discovery.Relabel;
using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Grains.Components.Prometheus.Relabel;

/// <summary>
/// The <c>receiver</c> of <c>prometheus.relabel</c>: relabels each sample's series (results cached per label set),
/// leaves out dropped series and forwards the rest to every sink in <c>forward_to</c>. One instance lives as long as
/// the component, so downstream references stay valid while the rules change.
/// </summary>
public sealed class RelabellingSampleSink(string componentId) : ISampleSink
{
    private readonly KeyValuePair<string, object?> _tag = new("component_id", componentId);
    private volatile State _state = new([], [], new RelabelCache(0));

    /// <summary>Installs new rules and destinations; cached results of the old rules are discarded.</summary>
    public void Configure(IReadOnlyList<RelabelRule> rules, IReadOnlyList<ISampleSink> forwardTo, int maxCacheSize)
        => _state = new State(rules, forwardTo, new RelabelCache(maxCacheSize));

    public async ValueTask AppendAsync(IReadOnlyList<Sample> samples, CancellationToken cancellationToken)
    {
        var state = _state;
        PrometheusRelabelMetrics.Processed.Add(samples.Count, _tag);
        var output = new List<Sample>(samples.Count);
        long hits = 0;
        foreach (var sample in samples)
        {
            var cached = state.Cache.TryGet(sample.Labels, out var relabelled);
            if (cached)
            {
                hits++;
            }
            else
            {
                relabelled = RelabelProcessor.Process(sample.Labels, state.Rules);
                if (relabelled is { Count: 0 })
                {
                    relabelled = null;
                }
            }
            // A staleness marker ends the series: its cache entry will not be needed again.
            if (Sample.IsStaleNaN(sample.Value))
            {
                state.Cache.Remove(sample.Labels);
            }
            else if (!cached)
            {
                state.Cache.Add(sample.Labels, relabelled);
            }
            if (relabelled is not null)
            {
                output.Add(sample with { Labels = relabelled });
            }
        }
        PrometheusRelabelMetrics.CacheHits.Add(hits, _tag);
        PrometheusRelabelMetrics.CacheMisses.Add(samples.Count - hits, _tag);
        if (output.Count == 0)
        {
            return;
        }
        PrometheusRelabelMetrics.Written.Add(output.Count, _tag);
        foreach (var sink in state.ForwardTo)
        {
            await sink.AppendAsync(output, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task FlushAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_state.ForwardTo.Select(sink => sink.FlushAsync(cancellationToken)));

    private sealed record State(IReadOnlyList<RelabelRule> Rules, IReadOnlyList<ISampleSink> ForwardTo, RelabelCache Cache);
}
