using System.Diagnostics.Metrics;

namespace AlloyOrleans.Grains.Telemetry;

/// <summary>The meter behind every metric of ours; the silo exports it on <c>/metrics</c> next to Orleans' own.</summary>
public static class AlloyMeter
{
    public const string Name = "AlloyOrleans";

    public static readonly Meter Instance = new(Name);
}
