namespace AlloyOrleans.Grains.Pyroscope;

/// <summary>
/// A profile type <c>pyroscope.scrape</c> knows by name (its <c>profile.NAME</c> block), with Alloy's defaults: the
/// endpoint path, whether it is scraped unless disabled, and whether it is a delta profile (the request carries
/// <c>seconds</c> and blocks for that long, as Go's CPU profile does).
/// </summary>
public sealed record ProfileType(string Name, string DefaultPath, bool EnabledByDefault, bool DeltaByDefault)
{
    public static readonly ProfileType Memory = new("memory", "/debug/pprof/allocs", true, false);
    public static readonly ProfileType Block = new("block", "/debug/pprof/block", true, false);
    public static readonly ProfileType Goroutine = new("goroutine", "/debug/pprof/goroutine", true, false);
    public static readonly ProfileType Mutex = new("mutex", "/debug/pprof/mutex", true, false);
    public static readonly ProfileType ProcessCpu = new("process_cpu", "/debug/pprof/profile", true, true);
    public static readonly ProfileType Fgprof = new("fgprof", "/debug/fgprof", false, true);
    public static readonly ProfileType GodeltaprofMemory = new("godeltaprof_memory", "/debug/pprof/delta_heap", false, false);
    public static readonly ProfileType GodeltaprofMutex = new("godeltaprof_mutex", "/debug/pprof/delta_mutex", false, false);
    public static readonly ProfileType GodeltaprofBlock = new("godeltaprof_block", "/debug/pprof/delta_block", false, false);

    /// <summary>The built-in types, in the order the targets page lists them.</summary>
    public static IReadOnlyList<ProfileType> BuiltIn { get; } =
        [ProcessCpu, Memory, Goroutine, Block, Mutex, Fgprof, GodeltaprofMemory, GodeltaprofMutex, GodeltaprofBlock];

    /// <summary>
    /// The sample types Go reports as totals since the process started, by profile type. Alloy turns these into the
    /// change since the previous scrape (other sample types, such as <c>inuse_space</c>, pass through), and marks the
    /// result <c>__delta__="false"</c> so the server does not take the difference again.
    /// </summary>
    public static IReadOnlyList<(string Type, string Unit)>? CumulativeSampleTypes(string profileName) => profileName switch
    {
        "memory" => [("alloc_objects", "count"), ("alloc_space", "bytes")],
        "mutex" or "block" => [("contentions", "count"), ("delay", "nanoseconds")],
        _ => null,
    };

    /// <summary>
    /// The <c>__name__</c> a profile is pushed under: godeltaprof is only a cheaper way to get the same profile, so its
    /// types are pushed as <c>memory</c>, <c>mutex</c> and <c>block</c>, as Alloy does.
    /// </summary>
    public static string PushedName(string profileName) => profileName switch
    {
        "godeltaprof_memory" => "memory",
        "godeltaprof_mutex" => "mutex",
        "godeltaprof_block" => "block",
        _ => profileName,
    };

    /// <summary>godeltaprof endpoints compute the difference in the target; the result is already a delta.</summary>
    public static bool IsComputedInTarget(string profileName) => profileName.StartsWith("godeltaprof_", StringComparison.Ordinal);
}
