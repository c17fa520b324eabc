namespace AlloyOrleans.Grains.Discovery.Shared;

/// <summary>Timing of shared discovery's deliveries between silos.</summary>
public sealed class SharedDiscoveryOptions
{
    /// <summary>How long one delivery of a target list to one silo may take before it counts as failed and is retried.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a new runner waits for a silo to say which version it holds; one that does not answer is passed by the clock.</summary>
    public TimeSpan VersionQueryTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The first wait before a failed delivery is retried; it doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);
}
