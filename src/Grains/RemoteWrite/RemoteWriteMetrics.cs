using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Diagnostics;
using AlloyOrleans.Grains.RemoteWrite.Queue;
using AlloyOrleans.Grains.RemoteWrite.Wal;
using AlloyOrleans.Grains.Telemetry;

namespace AlloyOrleans.Grains.RemoteWrite;

/// <summary>
/// The remote write metrics under Prometheus' names, labelled <c>component_id</c>, <c>remote_name</c> and <c>url</c>
/// (the last two as Prometheus labels its queue metrics). Gauges read the live queues and logs when scraped.
/// </summary>
internal static class RemoteWriteMetrics
{
    private static readonly ConcurrentDictionary<EndpointQueue, byte> Queues = new();
    private static readonly ConcurrentDictionary<RemoteWriteStorage, byte> Storages = new();

    public static readonly Counter<long> SamplesTotal = AlloyMeter.Instance.CreateCounter<long>(
        "prometheus_remote_storage_samples_total", description: "Total number of samples sent to remote storage.");

    public static readonly Counter<long> SamplesFailed = AlloyMeter.Instance.CreateCounter<long>(
        "prometheus_remote_storage_samples_failed_total", description: "Total number of samples which failed on send to remote storage, non-recoverable errors.");

    public static readonly Counter<long> SamplesRetried = AlloyMeter.Instance.CreateCounter<long>(
        "prometheus_remote_storage_samples_retried_total", description: "Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.");

    public static readonly Counter<long> SamplesDropped = AlloyMeter.Instance.CreateCounter<long>(
        "prometheus_remote_storage_samples_dropped_total", description: "Total number of samples which will never be delivered: refused by the receiver (4xx) or removed from the WAL unsent.");

    public static readonly Counter<long> BytesTotal = AlloyMeter.Instance.CreateCounter<long>(
        "prometheus_remote_storage_bytes_total", description: "The total number of bytes of data sent by queues after compression.");

    public static readonly Histogram<double> SentBatchDuration = AlloyMeter.Instance.CreateHistogram(
        "prometheus_remote_storage_sent_batch_duration_seconds",
        unit: null,
        description: "Duration of send calls to the remote storage.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60, 120, 300] });

    static RemoteWriteMetrics()
    {
        QueueGauge("prometheus_remote_storage_samples_pending", q => q.PendingSamples,
            "The number of samples pending in the queues shards to be sent to the remote storage.");
        QueueGauge("prometheus_remote_storage_shards", q => q.ShardCount,
            "The number of shards used for parallel sending to the remote storage.");
        QueueGauge("prometheus_remote_storage_shards_desired", q => q.DesiredShards,
            "The number of shards the queues want to run, based on the rate of samples in vs. samples out.");
        QueueGauge("prometheus_remote_storage_shards_min", q => q.Options.MinShards,
            "The minimum number of shards that queues can run.");
        QueueGauge("prometheus_remote_storage_shards_max", q => q.Options.MaxShards,
            "The maximum number of shards that queues can run.");
        QueueGauge("prometheus_remote_storage_shard_capacity", q => q.Options.Capacity,
            "The capacity of each shard of the queue used for parallel sending to the remote storage.");
        QueueGauge("prometheus_remote_storage_max_samples_per_send", q => q.Options.MaxSamplesPerSend,
            "The maximum number of samples to be sent, in a single request, to the remote storage.");
        AlloyMeter.Instance.CreateObservableGauge("prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
            () => Queues.Keys.Where(q => q.HighestSentTimestampMs is not null)
                .Select(q => new Measurement<double>(q.HighestSentTimestampMs!.Value / 1000.0, q.Tags)),
            description: "Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds since epoch.");
        AlloyMeter.Instance.CreateObservableCounter("prometheus_remote_storage_samples_in_total",
            () => Storages.Keys.Select(s => new Measurement<long>(s.Wal.SamplesAppended, ComponentTag(s))),
            description: "Samples in to remote storage, compare to samples out for queue managers.");
        AlloyMeter.Instance.CreateObservableGauge("prometheus_remote_storage_highest_timestamp_in_seconds",
            () => Storages.Keys.Where(s => s.HighestTimestampMs is not null)
                .Select(s => new Measurement<double>(s.HighestTimestampMs!.Value / 1000.0, ComponentTag(s))),
            description: "Highest timestamp that has come into the remote storage via the Appender interface, in seconds since epoch.");
    }

    private static void QueueGauge<T>(string name, Func<EndpointQueue, T> value, string description)
        where T : struct =>
        AlloyMeter.Instance.CreateObservableGauge(name, () => Queues.Keys.Select(q => new Measurement<T>(value(q), q.Tags)), description: description);

    private static KeyValuePair<string, object?> ComponentTag(RemoteWriteStorage storage) => new("component_id", storage.ComponentId);

    public static TagList Tags(string componentId, string remoteName, string url) => new()
    {
        { "component_id", componentId },
        { "remote_name", remoteName },
        { "url", url },
    };

    public static void Register(EndpointQueue queue) => Queues.TryAdd(queue, 0);

    public static void Unregister(EndpointQueue queue) => Queues.TryRemove(queue, out _);

    public static void Register(RemoteWriteStorage storage) => Storages.TryAdd(storage, 0);

    public static void Unregister(RemoteWriteStorage storage) => Storages.TryRemove(storage, out _);
}
