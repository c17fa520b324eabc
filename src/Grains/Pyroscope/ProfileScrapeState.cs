using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Pyroscope;

/// <summary>
/// What one profile target keeps between its slots, in <see cref="Scrape.TargetScrapeState.ExecutorState"/>: the labels
/// it pushes with and, for cumulative profile types, the previous profile's totals. It lives as long as this silo
/// scrapes the target; a silo that takes a target over starts a new baseline, as Alloy does after a restart.
/// </summary>
internal sealed class ProfileScrapeState(LabelSet pushLabels, ProfileDeltaComputer? delta)
{
    public LabelSet PushLabels { get; } = pushLabels;

    public ProfileDeltaComputer? Delta { get; } = delta;
}
