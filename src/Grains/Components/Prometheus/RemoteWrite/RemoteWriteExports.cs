using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;

/// <summary>The exports of <c>prometheus.remote_write</c>.</summary>
public sealed class RemoteWriteExports
{
    /// <summary>Where other components send samples (<c>forward_to = [prometheus.remote_write.x.receiver]</c>).</summary>
    [Alloy("receiver")]
    public required ISampleSink Receiver { get; init; }
}
