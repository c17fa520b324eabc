using System.Diagnostics.Metrics;
using AlloyOrleans.Grains.Telemetry;

namespace AlloyOrleans.Grains.Pyroscope;

/// <summary><c>pyroscope.write</c>'s metrics under Alloy's names, labelled <c>endpoint</c> (the URL) as Alloy labels them.</summary>
internal static class PyroscopeWriteMetrics
{
    public static readonly Counter<long> SentBytes = AlloyMeter.Instance.CreateCounter<long>(
        "pyroscope_write_sent_bytes_total", description: "Total number of compressed bytes sent to Pyroscope.");

    public static readonly Counter<long> DroppedBytes = AlloyMeter.Instance.CreateCounter<long>(
        "pyroscope_write_dropped_bytes_total", description: "Total number of compressed bytes dropped by Pyroscope.");

    public static readonly Counter<long> SentProfiles = AlloyMeter.Instance.CreateCounter<long>(
        "pyroscope_write_sent_profiles_total", description: "Total number of profiles sent to Pyroscope.");

    public static readonly Counter<long> DroppedProfiles = AlloyMeter.Instance.CreateCounter<long>(
        "pyroscope_write_dropped_profiles_total", description: "Total number of profiles dropped by Pyroscope.");

    public static readonly Counter<long> Retries = AlloyMeter.Instance.CreateCounter<long>(
        "pyroscope_write_retries_total", description: "Total number of retries to Pyroscope.");

    public static readonly Histogram<double> Latency = AlloyMeter.Instance.CreateHistogram<double>(
        "pyroscope_write_latency", unit: null, description: "Write latency for sending profiles to pyroscope");
}
