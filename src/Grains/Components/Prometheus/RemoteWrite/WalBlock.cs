using AlloyOrleans.Grains.Components.Prometheus.Scrape;

namespace AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;

/// <summary>The <c>wal</c> block; defaults are Alloy's.</summary>
public sealed class WalBlock
{
    [Alloy("truncate_frequency")]
    public TimeSpan TruncateFrequency { get; set; } = TimeSpan.FromHours(2);

    [Alloy("min_keepalive_time")]
    public TimeSpan MinKeepaliveTime { get; set; } = TimeSpan.FromMinutes(5);

    [Alloy("max_keepalive_time")]
    public TimeSpan MaxKeepaliveTime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// The most disk the WAL may use; past it the oldest data is dropped first and counted in
    /// <c>prometheus_remote_storage_samples_dropped_total</c>. Not an Alloy attribute (Alloy has no bound): it plays the
    /// part of vmagent's <c>-remoteWrite.maxDiskUsagePerURL</c>. "0" means no bound.
    /// </summary>
    [Alloy("max_disk_usage")]
    public string MaxDiskUsage { get; set; } = "10GiB";

    internal long MaxDiskUsageBytes => ByteSize.Parse(MaxDiskUsage);

    internal void Validate()
    {
        if (!ByteSize.TryParse(MaxDiskUsage, out _))
        {
            throw new ComponentArgumentException("max_disk_usage", $"invalid size \"{MaxDiskUsage}\" (use bytes or a unit: B, KB, KiB, MB, MiB, GB, GiB, TB, TiB)");
        }
        if (TruncateFrequency <= TimeSpan.Zero)
        {
            throw new ComponentArgumentException("truncate_frequency", "must be greater than zero");
        }
        if (MinKeepaliveTime > MaxKeepaliveTime)
        {
            throw new ComponentArgumentException("min_keepalive_time", "must not be greater than max_keepalive_time");
        }
    }
}
