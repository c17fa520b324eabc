using AlloyOrleans.Grains.Pyroscope;

namespace AlloyOrleans.Grains.Components.Pyroscope.Scrape;

/// <summary>The <c>profiling_config</c> block: which profile types are scraped, from which paths, and <c>path_prefix</c>.</summary>
public sealed class ProfilingConfigArguments
{
    [AlloyBlock("profile.memory")]
    public ProfileArguments? Memory { get; init; }

    [AlloyBlock("profile.block")]
    public ProfileArguments? Block { get; init; }

    [AlloyBlock("profile.goroutine")]
    public ProfileArguments? Goroutine { get; init; }

    [AlloyBlock("profile.mutex")]
    public ProfileArguments? Mutex { get; init; }

    [AlloyBlock("profile.process_cpu")]
    public ProfileArguments? ProcessCpu { get; init; }

    [AlloyBlock("profile.fgprof")]
    public ProfileArguments? Fgprof { get; init; }

    [AlloyBlock("profile.godeltaprof_memory")]
    public ProfileArguments? GodeltaprofMemory { get; init; }

    [AlloyBlock("profile.godeltaprof_mutex")]
    public ProfileArguments? GodeltaprofMutex { get; init; }

    [AlloyBlock("profile.godeltaprof_block")]
    public ProfileArguments? GodeltaprofBlock { get; init; }

    [AlloyBlock("profile.custom")]
    public IReadOnlyList<CustomProfileArguments> Custom { get; init; } = [];

    [Alloy("path_prefix")]
    public string PathPrefix { get; init; } = "";

    /// <summary>Every profile type with its settings resolved against Alloy's defaults, enabled or not.</summary>
    public IReadOnlyList<(ProfileTargetSpec Spec, bool Enabled)> All()
    {
        var blocks = new Dictionary<string, ProfileArguments?>
        {
            ["memory"] = Memory, ["block"] = Block, ["goroutine"] = Goroutine, ["mutex"] = Mutex, ["process_cpu"] = ProcessCpu,
            ["fgprof"] = Fgprof, ["godeltaprof_memory"] = GodeltaprofMemory, ["godeltaprof_mutex"] = GodeltaprofMutex,
            ["godeltaprof_block"] = GodeltaprofBlock,
        };
        var all = new List<(ProfileTargetSpec, bool)>();
        foreach (var type in ProfileType.BuiltIn)
        {
            var block = blocks[type.Name];
            all.Add((new ProfileTargetSpec(type.Name, block?.Path ?? type.DefaultPath, block?.Delta ?? type.DeltaByDefault),
                block?.Enabled ?? type.EnabledByDefault));
        }
        // A custom block with a built-in's name replaces it, as Alloy's map of targets does.
        foreach (var custom in Custom)
        {
            all.RemoveAll(p => p.Item1.Name == custom.Name);
            all.Add((new ProfileTargetSpec(custom.Name, custom.Path, custom.Delta), custom.Enabled));
        }
        return all;
    }

    /// <summary>The profile types to scrape.</summary>
    public IReadOnlyList<ProfileTargetSpec> Enabled() => [.. All().Where(p => p.Enabled).Select(p => p.Spec)];
}
