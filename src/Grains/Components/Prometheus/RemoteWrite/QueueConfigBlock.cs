namespace AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;

/// <summary>A <c>queue_config</c> block; defaults are Alloy's.</summary>
public sealed class QueueConfigBlock
{
    [Alloy("capacity")]
    public int Capacity { get; set; } = 10_000;

    [Alloy("max_shards")]
    public int MaxShards { get; set; } = 50;

    [Alloy("min_shards")]
    public int MinShards { get; set; } = 1;

    [Alloy("max_samples_per_send")]
    public int MaxSamplesPerSend { get; set; } = 2_000;

    [Alloy("batch_send_deadline")]
    public TimeSpan BatchSendDeadline { get; set; } = TimeSpan.FromSeconds(5);

    [Alloy("min_backoff")]
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(30);

    [Alloy("max_backoff")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    [Alloy("retry_on_http_429")]
    public bool RetryOnHttp429 { get; set; } = true;

    internal void Validate()
    {
        Positive("capacity", Capacity);
        Positive("max_shards", MaxShards);
        Positive("min_shards", MinShards);
        Positive("max_samples_per_send", MaxSamplesPerSend);
        if (MinShards > MaxShards)
        {
            throw new ComponentArgumentException("min_shards", $"min_shards ({MinShards}) is greater than max_shards ({MaxShards})");
        }
        if (BatchSendDeadline <= TimeSpan.Zero)
        {
            throw new ComponentArgumentException("batch_send_deadline", "must be greater than zero");
        }
        if (MinBackoff <= TimeSpan.Zero || MinBackoff > MaxBackoff)
        {
            throw new ComponentArgumentException("min_backoff", "must be greater than zero and at most max_backoff");
        }
    }

    private static void Positive(string name, int value)
    {
        if (value <= 0)
        {
            throw new ComponentArgumentException(name, "must be greater than zero");
        }
    }
}
