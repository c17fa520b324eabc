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

    internal void Validate()
    {
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
