namespace AlloyOrleans.Grains.Components.Pyroscope.Scrape;

/// <summary>
/// A built-in <c>profile.NAME</c> block. What it leaves unset keeps that profile type's Alloy default
/// (<see cref="Grains.Pyroscope.ProfileType"/>), so <c>profile.godeltaprof_memory { enabled = true }</c> scrapes
/// <c>/debug/pprof/delta_heap</c>.
/// </summary>
public sealed class ProfileArguments
{
    [Alloy("enabled")]
    public bool? Enabled { get; init; }

    [Alloy("path")]
    public string? Path { get; init; }

    [Alloy("delta")]
    public bool? Delta { get; init; }
}
