

namespace AlloyOrleans.Grains.RemoteWrite.Wal;

/// <summary>WAL retention (Alloy's <c>wal</c> block; defaults are Alloy's).</summary>
public sealed record WalOptions
{
    /// <summary>How often fully sent segments are removed.</summary>
    public TimeSpan TruncateFrequency { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Sent data stays at least this long.</summary>
    public TimeSpan MinKeepaliveTime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Data older than this is removed even if unsent (counted as dropped): the outage budget.</summary>
    public TimeSpan MaxKeepaliveTime { get; init; } = TimeSpan.FromHours(8);

    /// <summary>
    /// The most bytes the WAL's sample segments may hold (0: no bound; the series file, one definition per live
    /// series, is not counted). Past it the oldest segments go first, counted in
    /// <c>prometheus_remote_storage_samples_dropped_total</c>, like vmagent's <c>-remoteWrite.maxDiskUsagePerURL</c>.
    /// </summary>
    public long MaxDiskUsageBytes { get; init; }

    /// <summary>A segment is closed and a new one started past this size.</summary>
    public long SegmentBytes { get; init; } = 64L * 1024 * 1024;
}
