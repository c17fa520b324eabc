using Microsoft.Extensions.Logging;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.RemoteWrite;
using AlloyOrleans.Grains.RemoteWrite.Queue;
using AlloyOrleans.Grains.RemoteWrite.Wal;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>Builds remote write storages on temporary directories with fast test timings.</summary>
public sealed class TestStorage : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "remote-write-test-" + Guid.NewGuid().ToString("N"));

    public static QueueOptions FastQueue(int shards = 1, int maxSamplesPerSend = 100, int capacity = 1_000) => new()
    {
        MinShards = shards,
        MaxShards = shards,
        Capacity = capacity,
        MaxSamplesPerSend = maxSamplesPerSend,
        BatchSendDeadline = TimeSpan.FromMilliseconds(50),
        MinBackoff = TimeSpan.FromMilliseconds(10),
        MaxBackoff = TimeSpan.FromMilliseconds(100),
    };

    public async Task<RemoteWriteStorage> StartAsync(string remoteName, Uri url, QueueOptions? queue = null,
        IReadOnlyList<Label>? externalLabels = null, WalOptions? wal = null, ILogger? logger = null)
    {
        var walOptions = wal ?? new WalOptions();
        var storage = new RemoteWriteStorage(Directory, "prometheus.remote_write.test", walOptions, logger ?? NullLogger.Instance);
        var endpoint = new RemoteWriteEndpointOptions { Name = remoteName, Url = url, Queue = queue ?? FastQueue(), RemoteTimeout = TimeSpan.FromSeconds(5) };
        await storage.ConfigureAsync([endpoint], externalLabels ?? [], walOptions, CancellationToken.None);
        return storage;
    }

    /// <summary>A counter scrape: one sample per series at <paramref name="timestampMs"/>.</summary>
    public static Sample[] Scrape(IReadOnlyList<LabelSet> series, long timestampMs, double value) =>
        [.. series.Select(s => new Sample(s, timestampMs, value))];

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
