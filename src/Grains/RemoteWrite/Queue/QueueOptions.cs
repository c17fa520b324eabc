using AlloyOrleans.Grains.RemoteWrite.Wal;

namespace AlloyOrleans.Grains.RemoteWrite.Queue;

/// <summary>How an endpoint queue batches, shards and retries (Alloy's <c>queue_config</c>; defaults are Alloy's).</summary>
public sealed record QueueOptions
{
    /// <summary>Samples buffered in memory per shard; a full shard stops the WAL reader (the WAL keeps the rest).</summary>
    public int Capacity { get; init; } = 10_000;

    public int MinShards { get; init; } = 1;

    public int MaxShards { get; init; } = 50;

    public int MaxSamplesPerSend { get; init; } = 2_000;

    /// <summary>The longest a sample waits in a shard's batch before the batch is sent anyway.</summary>
    public TimeSpan BatchSendDeadline { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(30);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    public bool RetryOnHttp429 { get; init; } = true;

    /// <summary>How often the shard count is recomputed (Prometheus: 10 s).</summary>
    public TimeSpan ShardUpdateInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a graceful stop keeps sending what is in the WAL (Prometheus' flush deadline: 1 minute).</summary>
    public TimeSpan FlushDeadline { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest <c>Retry-After</c> honoured, so a confused server cannot park a queue for days.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(5);
}
