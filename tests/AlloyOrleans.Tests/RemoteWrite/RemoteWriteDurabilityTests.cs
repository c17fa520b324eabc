using AlloyOrleans.Grains.Http;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.RemoteWrite;
using AlloyOrleans.Grains.RemoteWrite.Queue;
using AlloyOrleans.Grains.RemoteWrite.Wal;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>What the WAL and the queues must not lose: at shutdown, after lost position files, faults, reconfiguration and a full disk budget.</summary>
public sealed class RemoteWriteDurabilityTests : IDisposable
{
    private readonly TestStorage _test = new();
    private readonly string _remoteName = "durable-" + Guid.NewGuid().ToString("N")[..8];

    private static LabelSet[] Series(int count) =>
        [.. Enumerable.Range(0, count).Select(i => LabelSet.From(("__name__", "rw_durable"), ("instance", $"host-{i}:9100")))];

    private RemoteWriteStorage NewStorage(WalOptions? wal = null, SegmentFiles? files = null) =>
        new(_test.Directory, "prometheus.remote_write.test", wal ?? new WalOptions(), NullLogger.Instance, files ?? SegmentFiles.Default);

    private RemoteWriteEndpointOptions Endpoint(Uri url, QueueOptions? queue = null) =>
        new() { Name = _remoteName, Url = url, Queue = queue ?? TestStorage.FastQueue(), RemoteTimeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task A_graceful_stop_sends_what_waits_for_batch_send_deadline_with_the_default_queue_settings()
    {
        await using var receiver = new LoopbackWriteReceiver();
        receiver.Start();
        var storage = NewStorage();
        await storage.ConfigureAsync([Endpoint(receiver.Url, new QueueOptions())], [], new WalOptions(), CancellationToken.None);
        for (var scrape = 0; scrape < 3; scrape++)
        {
            await storage.AppendAsync(TestStorage.Scrape(Series(30), 1_000 * (scrape + 1), scrape), CancellationToken.None);
        }

        // 90 samples sit in a batch of max_samples_per_send 2,000 that batch_send_deadline (5 s) would send later.
        await storage.DrainAsync();

        Assert.Equal(90, receiver.Accepted.Count);
        Assert.Equal(90, receiver.Accepted.Distinct().Count());
        await using var restarted = NewStorage();
        await restarted.ConfigureAsync([Endpoint(receiver.Url)], [], new WalOptions(), CancellationToken.None);
        Assert.Equal(restarted.Wal.Head, restarted.Queues[0].SentPosition); // drained: nothing left to resend
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_missing_or_torn_sent_position_replays_from_the_oldest_data(bool torn)
    {
        await using var receiver = new LoopbackWriteReceiver(); // down
        await using (var first = NewStorage())
        {
            await first.ConfigureAsync([Endpoint(receiver.Url)], [], new WalOptions(), CancellationToken.None);
            await first.AppendAsync(TestStorage.Scrape(Series(10), 1_000, 1), CancellationToken.None);
        }
        var position = Directory.EnumerateFiles(_test.Directory, "sent-*.pos").Single();
        if (torn)
        {
            var bytes = await File.ReadAllBytesAsync(position);
            bytes[^1] ^= 0xFF;
            await File.WriteAllBytesAsync(position, bytes);
        }
        else
        {
            File.Delete(position);
        }

        receiver.Start();
        await using var second = NewStorage();
        await second.ConfigureAsync([Endpoint(receiver.Url)], [], new WalOptions(), CancellationToken.None);
        await Eventually.TrueAsync(() => receiver.Accepted.Count >= 10, "the unsent scrape arrives");
        Assert.Equal(10, receiver.Accepted.Distinct().Count());
    }

    [Fact]
    public async Task A_read_error_stops_the_endpoint_only_until_it_reopens_at_the_sent_position()
    {
        await using var receiver = new LoopbackWriteReceiver(); // down
        var series = Series(10);
        await using (var first = NewStorage())
        {
            await first.ConfigureAsync([Endpoint(receiver.Url)], [], new WalOptions(), CancellationToken.None);
            for (var scrape = 0; scrape < 5; scrape++)
            {
                await first.AppendAsync(TestStorage.Scrape(series, 1_000 * (scrape + 1), scrape), CancellationToken.None);
            }
        }

        receiver.Start();
        var files = new ScriptedSegmentFiles { FailingReadOpens = 2 };
        await using var second = NewStorage(files: files); // a new process: the records come from disk
        await second.ConfigureAsync([Endpoint(receiver.Url)], [], new WalOptions(), CancellationToken.None);
        await Eventually.TrueAsync(() => receiver.Accepted.Count >= 50, "the WAL is sent after the read errors");
        Assert.True(files.ReadOpens > 2);
        Assert.Equal(50, receiver.Accepted.Distinct().Count());
        await second.AppendAsync(TestStorage.Scrape(series, 9_000, 9), CancellationToken.None);
        await Eventually.TrueAsync(() => receiver.Accepted.Count >= 60, "the endpoint keeps sending new samples");
    }

    [Fact]
    public async Task A_reconfiguration_whose_endpoint_cannot_be_built_leaves_the_old_queue_sending()
    {
        await using var receiver = new LoopbackWriteReceiver();
        receiver.Start();
        await using var storage = NewStorage();
        await storage.ConfigureAsync([Endpoint(receiver.Url)], [], new WalOptions(), CancellationToken.None);

        var broken = Endpoint(receiver.Url) with { Http = HttpClientSettings.Default with { Tls = new TlsSettings { CaFile = Path.Combine(_test.Directory, "missing-ca.pem") } } };
        await Assert.ThrowsAnyAsync<Exception>(() => storage.ConfigureAsync([broken], [], new WalOptions(), CancellationToken.None));

        await storage.AppendAsync(TestStorage.Scrape(Series(5), 1_000, 1), CancellationToken.None);
        await Eventually.TrueAsync(() => receiver.Accepted.Count >= 5, "the old queue still sends");
    }

    [Fact]
    public async Task Past_max_disk_usage_the_oldest_data_is_dropped_counted_and_the_newest_arrives()
    {
        await using var receiver = new LoopbackWriteReceiver(); // down
        using var metrics = new MetricCollector(_remoteName);
        var wal = new WalOptions { SegmentBytes = 64, MaxDiskUsageBytes = 256 };
        await using var storage = NewStorage(wal);
        await storage.ConfigureAsync([Endpoint(receiver.Url, TestStorage.FastQueue(maxSamplesPerSend: 5, capacity: 5))], [], wal, CancellationToken.None);
        var series = Series(5);
        const int scrapes = 100;
        for (var scrape = 0; scrape < scrapes; scrape++)
        {
            await storage.AppendAsync(TestStorage.Scrape(series, 1_000 * (scrape + 1), scrape), CancellationToken.None);
        }
        Assert.InRange(storage.Wal.DiskBytes, 1, 256);
        var dropped = metrics["prometheus_remote_storage_samples_dropped_total"];
        Assert.True(dropped > 0);

        receiver.Start();
        await Eventually.TrueAsync(() => storage.Queues[0].SentPosition == storage.Wal.Head, "the rest is sent");
        var accepted = receiver.Accepted;
        Assert.Contains(accepted, s => s.TimestampMs == 1_000 * scrapes);
        Assert.Equal(accepted.Count, accepted.Distinct().Count());
        // Every sample either arrived or was counted as dropped (a shard's buffer may hold some that are sent and dropped both).
        Assert.True(accepted.Count + dropped >= 5 * scrapes, $"{accepted.Count} arrived, {dropped} dropped");
    }

    public void Dispose() => _test.Dispose();
}
