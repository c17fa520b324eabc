using AlloyOrleans.Grains.Components.Common.Relabel;
using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Grains.Components.Prometheus.Relabel;

/// <summary>The arguments of <c>prometheus.relabel</c>, as Alloy's reference names them.</summary>
public sealed class PrometheusRelabelArguments : IValidatableArguments
{
    [Alloy("forward_to", Required = true)]
    public IReadOnlyList<ISampleSink> ForwardTo { get; set; } = [];

    [AlloyBlock("rule")]
    public IReadOnlyList<RelabelRuleArguments> Rules { get; set; } = [];

    /// <summary>How many label sets' results to remember.</summary>
    [Alloy("max_cache_size")]
    public int MaxCacheSize { get; set; } = 100_000;

    public void Validate()
    {
        if (MaxCacheSize <= 0)
        {
            throw new ComponentArgumentException("max_cache_size", $"max_cache_size must be greater than 0 and is {MaxCacheSize}");
        }
        RelabelRuleArguments.ToRules(Rules);
    }
}
