using System.Diagnostics.Metrics;

namespace AlloyOrleans.Grains.Telemetry;

/// <summary>The meter behind every metric of ours; the silo exports it on <c>/metrics</c> next to Orleans' own.</summary>
public static class AlloyMeter
{
    public const string Name = "AlloyOrleans";

    /// <summary>
    /// The process-wide meter, for instruments that describe the process rather than one silo. Per-silo services use
    /// <see cref="For"/> instead: several silos can share a process (TestCluster, in-process hosts), and each silo's
    /// <c>/metrics</c> must show its own values.
    /// </summary>
    public static readonly Meter Instance = new(Name);

    /// <summary>This silo's meter (same name): the host's meter factory hands every caller the same instance.</summary>
    public static Meter For(IMeterFactory factory) => factory.Create(Name);
}
