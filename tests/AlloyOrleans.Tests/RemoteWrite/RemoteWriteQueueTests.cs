using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.RemoteWrite;
using AlloyOrleans.Grains.RemoteWrite.Queue;
using AlloyOrleans.Grains.RemoteWrite.Wal;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>The endpoint queue against a scripted loopback receiver: retries, drops, outages and restarts.</summary>
public sealed class RemoteWriteQueueTests : IDisposable
{
    private readonly TestStorage _test = new();
    private readonly string _remoteName = "test-" + Guid.NewGuid().ToString("N")[..8];

    private static LabelSet[] Series(int count, string metric = "rw_test") =>
        [.. Enumerable.Range(0, count).Select(i => LabelSet.From(("__name__", metric), ("instance", $"host-{i}:9100"), ("job", "node")))];

    [Fact]
    public async Task A_failing_endpoint_warns_once_per_batch_not_once_per_backoff_step()
    {
        await using var receiver = new LoopbackWriteReceiver(i => (i < 4 ? 503 : 204, null));
        receiver.Start();
        var log = new ListLogger();
        await using var storage = await _test.StartAsync(_remoteName, receiver.Url, logger: log);

        await storage.AppendAsync(TestStorage.Scrape(Series(10), 1_000, 1), CancellationToken.None);

        await Eventually.TrueAsync(() => receiver.Accepted.Count == 10, "the batch arrives after four failures");
        // The receiver has the batch before the sender has read its answer and logged it.
        await Eventually.TrueAsync(() => log.Messages.Any(m => m.StartsWith("Information:", StringComparison.Ordinal)), "the sender logs the batch as sent");
        var messages = log.Messages;
        Assert.Equal(5, receiver.Requests.Count);
        Assert.Single(messages, m => m.StartsWith("Warning:", StringComparison.Ordinal) && m.Contains("retrying 10 samples", StringComparison.Ordinal));
        Assert.Equal(3, messages.Count(m => m.StartsWith("Debug:", StringComparison.Ordinal) && m.Contains("retrying 10 samples again", StringComparison.Ordinal)));
        Assert.Single(messages, m => m.StartsWith("Information:", StringComparison.Ordinal) && m.Contains("sent 10 samples after 5 attempts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_flush_sends_partial_batches_at_once_instead_of_at_the_batch_deadline()
    {
        await using var receiver = new LoopbackWriteReceiver();
        receiver.Start();
        var queue = TestStorage.FastQueue(shards: 2) with { BatchSendDeadline = TimeSpan.FromMinutes(10) };
        await using var storage = await _test.StartAsync(_remoteName, receiver.Url, queue);

        await storage.AppendAsync(TestStorage.Scrape(Series(10), 1_000, 1), CancellationToken.None);
        await Task.Delay(300);
        Assert.Empty(receiver.Accepted); // held for the batch deadline
        storage.RequestFlush();
        await Eventually.TrueAsync(() => receiver.Accepted.Count == 10, "a flush sends the held samples");

        // Once more: a flush is not used up by the first one.
        await storage.AppendAsync(TestStorage.Scrape(Series(10), 2_000, 2), CancellationToken.None);
        storage.RequestFlush();
        await Eventually.TrueAsync(() => receiver.Accepted.Count == 20, "a second flush sends the next samples");
    }

    [Fact]
    public async Task A_flush_completes_only_once_the_receiver_has_answered_for_what_was_appended_before_it()
    {
        // The old owner of a moved target tells the new owner only when this completes (F4): completing earlier would
        // let the new owner's first sample reach Prometheus before this one, which Prometheus then refuses.
        await using var receiver = new LoopbackWriteReceiver { ResponseDelay = TimeSpan.FromSeconds(2) };
        receiver.Start();
        var queue = TestStorage.FastQueue(shards: 2) with { BatchSendDeadline = TimeSpan.FromMinutes(10) };
        await using var storage = await _test.StartAsync(_remoteName, receiver.Url, queue);

        await storage.AppendAsync(TestStorage.Scrape(Series(10), 1_000, 1), CancellationToken.None);
        var flush = storage.FlushAsync(CancellationToken.None);
        await Task.Delay(200);
        Assert.False(flush.IsCompleted, "the receiver has not answered yet");
        await flush.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(10, receiver.Accepted.Count); // recorded before its answer: no flush completes ahead of it

        // Nothing appended since: the next flush has nothing to wait for.
        await storage.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_batch_answered_500_is_retried_and_arrives()
    {
        await using var receiver = new LoopbackWriteReceiver(i => (i == 0 ? 500 : 204, null));
        receiver.Start();
        using var metrics = new MetricCollector(_remoteName);
        await using var storage = await _test.StartAsync(_remoteName, receiver.Url);

        var samples = TestStorage.Scrape(Series(10), 1_000, 42);
        await storage.AppendAsync(samples, CancellationToken.None);

        await Eventually.TrueAsync(() => receiver.Accepted.Count == 10, "the retried batch arrives");
        var requests = receiver.Requests;
        Assert.Equal(500, requests[0].Status);
        Assert.Equal(requests[0].Samples, requests[1].Samples);
        Assert.Equal(10, receiver.Accepted.Distinct().Count());
        Assert.Equal(10, metrics["prometheus_remote_storage_samples_retried_total"]);
        Assert.Equal(10, metrics["prometheus_remote_storage_samples_total"]);
        Assert.Equal(0, metrics["prometheus_remote_storage_samples_failed_total"]);

        var headers = requests[1].Headers;
        Assert.Equal("snappy", headers["Content-Encoding"]);
        Assert.Equal("application/x-protobuf", headers["Content-Type"]);
        Assert.Equal("0.1.0", headers["X-Prometheus-Remote-Write-Version"]);
        Assert.StartsWith("AlloyOrleans/", headers["User-Agent"]);
    }

    [Fact]
    public async Task Queue_metrics_report_what_was_sent()
    {
        await using var receiver = new LoopbackWriteReceiver();
        receiver.Start();
        using var metrics = new MetricCollector(_remoteName);
        await using var storage = await _test.StartAsync(_remoteName, receiver.Url, TestStorage.FastQueue(shards: 2, maxSamplesPerSend: 100, capacity: 500));

        await storage.AppendAsync(TestStorage.Scrape(Series(10), 1_700_000_123_000, 1), CancellationToken.None);
        await Eventually.TrueAsync(() => storage.Queues[0].SentPosition == storage.Wal.Head, "the batch is sent");

        var gauges = metrics.Gauges();
        Assert.Equal(10, metrics["prometheus_remote_storage_samples_total"]);
        Assert.True(metrics["prometheus_remote_storage_bytes_total"] > 0);
        Assert.Equal(1_700_000_123.0, gauges["prometheus_remote_storage_queue_highest_sent_timestamp_seconds"]);
        Assert.Equal(0, gauges["prometheus_remote_storage_samples_pending"]);
        Assert.Equal(2, gauges["prometheus_remote_storage_shards"]);
        Assert.Equal(2, gauges["prometheus_remote_storage_shards_max"]);
        Assert.Equal(500, gauges["prometheus_remote_storage_shard_capacity"]);
        Assert.Equal(100, gauges["prometheus_remote_storage_max_samples_per_send"]);
    }

    [Fact]
    public async Task A_batch_answered_400_is_dropped_counted_and_not_resent()
    {
        await using var receiver = new LoopbackWriteReceiver(i => (i == 0 ? 400 : 204, null));
        receiver.Start();
        using var metrics = new MetricCollector(_remoteName);
        await using var storage = await _test.StartAsync(_remoteName, receiver.Url);

        await storage.AppendAsync(TestStorage.Scrape(Series(5), 1_000, 1), CancellationToken.None);
        await Eventually.TrueAsync(() => storage.Queues[0].SentPosition == storage.Wal.Head, "the refused batch is done with");
        await storage.AppendAsync(TestStorage.Scrape(Series(5), 2_000, 2), CancellationToken.None);
        await Eventually.TrueAsync(() => receiver.Accepted.Count == 5, "the next batch arrives");

        Assert.All(receiver.Accepted, s => Assert.Equal(2_000, s.TimestampMs));
        Assert.Single(receiver.Requests, r => r.Samples.Any(s => s.TimestampMs == 1_000));
        Assert.Equal(5, metrics["prometheus_remote_storage_samples_dropped_total"]);
        Assert.Equal(5, metrics["prometheus_remote_storage_samples_failed_total"]);
        Assert.Equal(0, metrics["prometheus_remote_storage_samples_retried_total"]);
    }

    [Fact]
    public async Task A_429_is_retried_after_the_Retry_After_delay()
    {
        await using var receiver = new LoopbackWriteReceiver(i => i == 0 ? (429, "1") : (204, null));
        receiver.Start();
        await using var storage = await _test.StartAsync(_remoteName, receiver.Url);

        await storage.AppendAsync(TestStorage.Scrape(Series(3), 1_000, 1), CancellationToken.None);
        await Eventually.TrueAsync(() => receiver.Accepted.Count == 3, "the rate-limited batch arrives");

        var requests = receiver.Requests;
        // The queue's own backoff is 10 ms; only the server's Retry-After explains a wait of about a second.
        Assert.True(requests[1].ReceivedUtc - requests[0].ReceivedUtc >= TimeSpan.FromMilliseconds(900),
            $"retried after {(requests[1].ReceivedUtc - requests[0].ReceivedUtc).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_receiver_that_is_down_for_a_while_gets_everything_once_when_it_returns()
    {
        await using var receiver = new LoopbackWriteReceiver(); // not listening yet: connections are refused
        using var metrics = new MetricCollector(_remoteName);
        await using var storage = await _test.StartAsync(_remoteName, receiver.Url, TestStorage.FastQueue(shards: 3, maxSamplesPerSend: 7));

        var series = Series(20);
        for (var scrape = 0; scrape < 10; scrape++)
        {
            await storage.AppendAsync(TestStorage.Scrape(series, 1_000 * (scrape + 1), scrape), CancellationToken.None);
        }
        await Eventually.TrueAsync(() => metrics["prometheus_remote_storage_samples_retried_total"] > 0, "sending has failed");
        receiver.Start();

        await Eventually.TrueAsync(() => receiver.Accepted.Count >= 200, "everything arrives");
        await Eventually.TrueAsync(() => storage.Queues[0].SentPosition == storage.Wal.Head, "the queue is idle");
        var accepted = receiver.Accepted;
        Assert.Equal(200, accepted.Count);
        Assert.Equal(200, accepted.Distinct().Count());
        AssertEachSeriesInOrder(receiver);
    }

    [Fact]
    public async Task Data_in_the_WAL_is_sent_by_the_next_process_after_a_restart()
    {
        await using var receiver = new LoopbackWriteReceiver();
        var series = Series(4);
        using (var metrics = new MetricCollector(_remoteName))
        {
            await using var first = await _test.StartAsync(_remoteName, receiver.Url);
            for (var scrape = 0; scrape < 5; scrape++)
            {
                await first.AppendAsync(TestStorage.Scrape(series, 1_000 * (scrape + 1), scrape), CancellationToken.None);
            }
            await Eventually.TrueAsync(() => metrics["prometheus_remote_storage_samples_retried_total"] > 0, "sending has failed");
        } // the first "process" ends with everything unsent

        receiver.Start();
        await using var second = await _test.StartAsync(_remoteName, receiver.Url);
        await Eventually.TrueAsync(() => receiver.Accepted.Count >= 20, "the WAL is replayed");
        await Eventually.TrueAsync(() => second.Queues[0].SentPosition == second.Wal.Head, "the queue is idle");
        Assert.Equal(20, receiver.Accepted.Count);
        Assert.Equal(20, receiver.Accepted.Distinct().Count());
        AssertEachSeriesInOrder(receiver);
    }

    [Fact]
    public async Task What_an_earlier_process_left_unsent_goes_in_batches_of_its_own()
    {
        // After a crash the replay may be refused (out of order: the series moved on); new samples must not share
        // its request, or the refusal takes them too.
        await using var receiver = new LoopbackWriteReceiver(i => (i == 0 ? 400 : 204, null));
        var series = Series(4);
        using (var metrics = new MetricCollector(_remoteName))
        {
            await using var first = await _test.StartAsync(_remoteName, receiver.Url);
            await first.AppendAsync(TestStorage.Scrape(series, 1_000, 1), CancellationToken.None);
            await Eventually.TrueAsync(() => metrics["prometheus_remote_storage_samples_retried_total"] > 0, "sending has failed");
        }

        receiver.Start();
        var queue = TestStorage.FastQueue() with { BatchSendDeadline = TimeSpan.FromSeconds(1) };
        await using var second = await _test.StartAsync(_remoteName, receiver.Url, queue);
        await second.AppendAsync(TestStorage.Scrape(series, 2_000, 2), CancellationToken.None);

        await Eventually.TrueAsync(() => receiver.Accepted.Count >= 4, "the new samples arrive");
        Assert.All(receiver.Requests[0].Samples, s => Assert.Equal(1_000, s.TimestampMs));
        Assert.Equal(4, receiver.Accepted.Count);
        Assert.All(receiver.Accepted, s => Assert.Equal(2_000, s.TimestampMs));
    }

    [Fact]
    public async Task A_restart_does_not_resend_what_was_already_sent()
    {
        await using var receiver = new LoopbackWriteReceiver();
        receiver.Start();
        var series = Series(3);
        await using (var first = await _test.StartAsync(_remoteName, receiver.Url))
        {
            await first.AppendAsync(TestStorage.Scrape(series, 1_000, 1), CancellationToken.None);
            await Eventually.TrueAsync(() => first.Queues[0].SentPosition == first.Wal.Head, "the first batch is sent");
        }
        await using var second = await _test.StartAsync(_remoteName, receiver.Url);
        await second.AppendAsync(TestStorage.Scrape(series, 2_000, 2), CancellationToken.None);
        await Eventually.TrueAsync(() => second.Queues[0].SentPosition == second.Wal.Head, "the second batch is sent");

        Assert.Equal(6, receiver.Accepted.Count);
        Assert.Equal(6, receiver.Accepted.Distinct().Count());
    }

    [Fact]
    public async Task Memory_stays_bounded_while_the_receiver_is_down_and_nothing_is_lost()
    {
        await using var receiver = new LoopbackWriteReceiver();
        using var metrics = new MetricCollector(_remoteName);
        var queue = TestStorage.FastQueue(shards: 2, maxSamplesPerSend: 10, capacity: 20);
        await using var storage = await _test.StartAsync(_remoteName, receiver.Url, queue);

        var series = Series(50);
        for (var scrape = 0; scrape < 40; scrape++)
        {
            await storage.AppendAsync(TestStorage.Scrape(series, 1_000 * (scrape + 1), scrape), CancellationToken.None);
        }
        await Eventually.TrueAsync(() => metrics["prometheus_remote_storage_samples_retried_total"] > 0, "sending has failed");
        // A shard takes a record's share of samples while it holds fewer than its capacity, so two shards hold at most
        // capacity + one record each, plus the batch each one is retrying, and the WAL reader one more share that it
        // waits to hand over; the rest (1,000s of samples) stays on disk.
        const int record = 50;
        Assert.InRange(storage.Queues[0].PendingSamples, 1, 2 * (20 - 1 + record + 10) + record);

        receiver.Start();
        await Eventually.TrueAsync(() => receiver.Accepted.Count >= 2_000, "the backlog drains");
        Assert.Equal(2_000, receiver.Accepted.Distinct().Count());
        AssertEachSeriesInOrder(receiver);
    }

    [Fact]
    public async Task Labels_arrive_sorted_with_external_labels_and_without_internal_ones()
    {
        await using var receiver = new LoopbackWriteReceiver();
        receiver.Start();
        await using var storage = await _test.StartAsync(_remoteName, receiver.Url,
            externalLabels: [new("env", "external"), new("cluster", "eu")]);
        var labels = LabelSet.From(("zeta", "z"), ("__name__", "m"), ("alpha", "a"), ("env", "series"), ("__address__", "h:1"));
        await storage.AppendAsync([new Sample(labels, 1_000, 1)], CancellationToken.None);
        await Eventually.TrueAsync(() => receiver.Accepted.Count == 1, "the sample arrives");

        var series = Assert.Single(Assert.Single(receiver.Requests).Series);
        Assert.Equal(
            [new Label("__name__", "m"), new Label("alpha", "a"), new Label("cluster", "eu"), new Label("env", "series"), new Label("zeta", "z")],
            series.Labels);
    }

    [Fact]
    public async Task Fully_sent_segments_are_truncated()
    {
        await using var receiver = new LoopbackWriteReceiver();
        receiver.Start();
        var wal = new WalOptions { SegmentBytes = 64, MinKeepaliveTime = TimeSpan.Zero };
        await using var storage = await _test.StartAsync(_remoteName, receiver.Url, wal: wal);
        var series = Series(5);
        for (var scrape = 0; scrape < 20; scrape++)
        {
            await storage.AppendAsync(TestStorage.Scrape(series, 1_000 * (scrape + 1), scrape), CancellationToken.None);
        }
        await Eventually.TrueAsync(() => storage.Queues[0].SentPosition == storage.Wal.Head, "everything is sent");
        Assert.True(SegmentCount() > 3);

        await storage.TruncateAsync(CancellationToken.None);

        Assert.Equal(1, SegmentCount());
        Assert.Equal(100, receiver.Accepted.Count);
    }

    [Fact]
    public async Task A_slow_receiver_makes_the_queue_add_shards_without_reordering_or_losing_anything()
    {
        await using var receiver = new LoopbackWriteReceiver { ResponseDelay = TimeSpan.FromMilliseconds(20) };
        receiver.Start();
        var queue = TestStorage.FastQueue(maxSamplesPerSend: 10) with
        {
            MinShards = 1,
            MaxShards = 8,
            ShardUpdateInterval = TimeSpan.FromMilliseconds(200),
        };
        await using var storage = await _test.StartAsync(_remoteName, receiver.Url, queue);

        var series = Series(40);
        var scrapes = 0;
        while (storage.Queues[0].ShardCount < 2)
        {
            Assert.True(scrapes < 2_000, "the queue never added shards");
            await storage.AppendAsync(TestStorage.Scrape(series, 1_000L * ++scrapes, scrapes), CancellationToken.None);
            await Task.Delay(20); // up to 2,000 samples/s; one shard sends at most 10 per 20 ms round trip
        }
        for (var more = 0; more < 20; more++)
        {
            await storage.AppendAsync(TestStorage.Scrape(series, 1_000L * ++scrapes, scrapes), CancellationToken.None);
        }

        await Eventually.TrueAsync(() => storage.Queues[0].SentPosition == storage.Wal.Head, "the backlog drains", TimeSpan.FromSeconds(60));
        Assert.Equal(series.Length * scrapes, receiver.Accepted.Count);
        Assert.Equal(series.Length * scrapes, receiver.Accepted.Distinct().Count());
        AssertEachSeriesInOrder(receiver);
    }

    [Fact]
    public async Task Unsent_segments_past_max_keepalive_time_are_removed_counted_and_the_queue_carries_on()
    {
        await using var receiver = new LoopbackWriteReceiver();
        using var metrics = new MetricCollector(_remoteName);
        var wal = new WalOptions { SegmentBytes = 64, MaxKeepaliveTime = TimeSpan.Zero, MinKeepaliveTime = TimeSpan.Zero };
        await using var storage = await _test.StartAsync(_remoteName, receiver.Url, TestStorage.FastQueue(maxSamplesPerSend: 5, capacity: 5), wal: wal);
        var series = Series(5);
        for (var scrape = 0; scrape < 20; scrape++)
        {
            await storage.AppendAsync(TestStorage.Scrape(series, 1_000 * (scrape + 1), scrape), CancellationToken.None);
        }
        await Eventually.TrueAsync(() => metrics["prometheus_remote_storage_samples_retried_total"] > 0, "sending has failed");

        await storage.TruncateAsync(CancellationToken.None);
        var dropped = metrics["prometheus_remote_storage_samples_dropped_total"];
        Assert.InRange(dropped, 1, 100);

        receiver.Start();
        await Eventually.TrueAsync(() => storage.Queues[0].SentPosition == storage.Wal.Head, "the queue drains what is left");
        Assert.True(receiver.Accepted.Count + dropped >= 100, $"{receiver.Accepted.Count} arrived, {dropped} counted as dropped");
        Assert.Equal(receiver.Accepted.Count, receiver.Accepted.Distinct().Count());
        AssertEachSeriesInOrder(receiver);
    }

    [Fact]
    public async Task An_endpoint_that_is_down_does_not_hold_back_another_and_catches_up_later()
    {
        await using var up = new LoopbackWriteReceiver();
        await using var down = new LoopbackWriteReceiver();
        up.Start();
        using var downMetrics = new MetricCollector(_remoteName + "-down");
        await using var storage = new RemoteWriteStorage(_test.Directory, "prometheus.remote_write.two", new WalOptions { MinKeepaliveTime = TimeSpan.Zero },
            NullLogger.Instance);
        await storage.ConfigureAsync(
        [
            new RemoteWriteEndpointOptions { Name = _remoteName + "-up", Url = up.Url, Queue = TestStorage.FastQueue() },
            new RemoteWriteEndpointOptions { Name = _remoteName + "-down", Url = down.Url, Queue = TestStorage.FastQueue() },
        ], [], new WalOptions { MinKeepaliveTime = TimeSpan.Zero }, CancellationToken.None);

        var series = Series(10);
        for (var scrape = 0; scrape < 5; scrape++)
        {
            await storage.AppendAsync(TestStorage.Scrape(series, 1_000 * (scrape + 1), scrape), CancellationToken.None);
        }
        await Eventually.TrueAsync(() => up.Accepted.Count == 50, "the healthy endpoint gets everything");
        await Eventually.TrueAsync(() => downMetrics["prometheus_remote_storage_samples_retried_total"] > 0, "the other one fails");
        await storage.TruncateAsync(CancellationToken.None); // must keep what the failing endpoint has not sent

        down.Start();
        await Eventually.TrueAsync(() => down.Accepted.Count >= 50, "the recovered endpoint catches up");
        Assert.Equal(50, down.Accepted.Distinct().Count());
        Assert.Equal(50, up.Accepted.Count);
    }

    private int SegmentCount() => Directory.EnumerateFiles(_test.Directory).Count(f => Path.GetFileName(f).All(char.IsAsciiDigit));

    private static void AssertEachSeriesInOrder(LoopbackWriteReceiver receiver)
    {
        foreach (var group in receiver.Accepted.GroupBy(s => s.Series))
        {
            var timestamps = group.Select(s => s.TimestampMs).ToList();
            Assert.Equal(timestamps.Order(), timestamps);
        }
    }

    public void Dispose() => _test.Dispose();
}
