using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Grains.Components.Prometheus.Scrape;

/// <summary>
/// <c>clustering { enabled = true }</c>: distribute targets over the cluster instead of scraping all of them.
/// <c>balance</c> is our extension (not in Alloy): <c>"targets"</c>, the default, is Alloy's plain ring;
/// <c>"samples"</c> places targets by the samples they yield, so no silo carries much more than its share.
/// </summary>
public sealed class ClusteringArguments : IValidatableArguments
{
    public const string BalanceTargets = "targets";
    public const string BalanceSamples = "samples";

    [Alloy("enabled", Required = true)]
    public bool Enabled { get; init; }

    [Alloy("balance")]
    public string Balance { get; init; } = BalanceTargets;

    public ScrapeBalance ToBalance() => Balance == BalanceSamples ? ScrapeBalance.Samples : ScrapeBalance.Targets;

    public void Validate()
    {
        if (Balance is not BalanceTargets and not BalanceSamples)
        {
            throw new ComponentArgumentException("balance", $"must be \"{BalanceTargets}\" or \"{BalanceSamples}\", got \"{Balance}\"");
        }
    }
}
