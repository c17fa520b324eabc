using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Pyroscope;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace AlloyOrleans.Tests.Pyroscope;

/// <summary>
/// pyroscope.write against a loopback receiver that decodes the real push messages: labels and payload as Alloy sends
/// them, the connect request shape, retries with doubling backoff for the codes Alloy retries, no retry for the
/// others, and bounded memory with every lost profile counted while the endpoint is down.
/// </summary>
public sealed class ProfileWriterTests
{
    private static readonly LabelSet Labels = LabelSet.From(
        ("__name__", "process_cpu"), ("__address__", "h:1"), ("__profile_path__", "/debug/pprof/profile"), ("__delta__", "false"),
        ("job", "j"), ("instance", "h:1"), ("service_name", "svc"));

    private static PushEndpointOptions Endpoint(Uri url, int retries = 10, long queueBytes = 1 << 20) => new()
    {
        Url = url,
        MinBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
        MaxBackoffRetries = retries,
        RemoteTimeout = TimeSpan.FromSeconds(2),
        QueueBytes = queueBytes,
        Headers = new Dictionary<string, string> { ["X-Scope-OrgID"] = "tenant-1" },
    };

    [Fact]
    public async Task A_profile_arrives_as_one_series_with_alloys_labels_and_the_raw_pprof()
    {
        await using var receiver = await PushReceiver.StartAsync();
        await using var writer = new ProfileWriter([Endpoint(receiver.Url)], new Dictionary<string, string> { ["cluster"] = "c1", ["job"] = "external" },
            TimeProvider.System, NullLogger.Instance);
        var profile = SyntheticProfiles.HeapGzip(1, (0x10, 0x20, [1, 2, 3, 4]));

        await writer.AppendAsync(Labels, profile, CancellationToken.None);
        await WaitAsync(() => receiver.Accepted.Count == 1);

        var attempt = Assert.Single(receiver.Attempts);
        Assert.Equal("application/proto", attempt.ContentType);
        Assert.Equal("1", attempt.ConnectVersion);
        Assert.Equal("tenant-1", attempt.TenantHeader);
        var series = Assert.Single(attempt.Request.Series);
        Assert.Equal(
            ["__delta__=false", "__name__=process_cpu", "cluster=c1", "instance=h:1", "job=external", "service_name=svc"],
            series.Labels.Select(l => $"{l.Name}={l.Value}"));
        var sample = Assert.Single(series.Samples);
        Assert.Equal(profile, sample.RawProfile.ToByteArray());
        Assert.Equal([1, 2, 3, 4], Assert.Single(ProfileDecoder.Decode(sample.RawProfile.Memory, 0).Sample).Value);
        Assert.Equal(1, writer.Queues[0].SentProfiles);
    }

    [Fact]
    public async Task Retryable_errors_are_retried_with_doubling_backoff_until_delivered()
    {
        await using var receiver = await PushReceiver.StartAsync();
        receiver.FailNext(503, "unavailable", 1);
        receiver.FailNext(500, "internal", 1);
        receiver.FailNext(429, "resource_exhausted", 1);
        await using var writer = new ProfileWriter([Endpoint(receiver.Url)], new Dictionary<string, string>(), TimeProvider.System, NullLogger.Instance);

        await writer.AppendAsync(Labels, SyntheticProfiles.HeapGzip(1), CancellationToken.None);
        await WaitAsync(() => receiver.Accepted.Count == 1);

        var attempts = receiver.Attempts;
        Assert.Equal([503, 500, 429, 200], attempts.Select(a => a.Status));
        var gaps = attempts.Zip(attempts.Skip(1), (a, b) => b.TimeMs - a.TimeMs).ToList();
        Assert.True(gaps[0] >= 45 && gaps[1] >= 95 && gaps[2] >= 195, $"gaps {string.Join(",", gaps)} ms: backoff 50, 100, 200 ms");
        Assert.Equal(3, writer.Queues[0].Retries);
        Assert.Equal(0, writer.Queues[0].DroppedProfiles);
    }

    [Fact]
    public async Task An_error_alloy_does_not_retry_drops_the_profile_at_once_and_counts_it()
    {
        await using var receiver = await PushReceiver.StartAsync();
        receiver.FailNext(400, "invalid_argument", 1);
        await using var writer = new ProfileWriter([Endpoint(receiver.Url)], new Dictionary<string, string>(), TimeProvider.System, NullLogger.Instance);

        await writer.AppendAsync(Labels, SyntheticProfiles.HeapGzip(1), CancellationToken.None);
        await WaitAsync(() => writer.Queues[0].DroppedProfiles == 1);
        await writer.AppendAsync(Labels, SyntheticProfiles.HeapGzip(2), CancellationToken.None);
        await WaitAsync(() => receiver.Accepted.Count == 1);

        Assert.Equal([400, 200], receiver.Attempts.Select(a => a.Status));
        Assert.Equal(0, writer.Queues[0].Retries);
    }

    [Fact]
    public async Task A_push_out_of_retries_is_dropped_and_counted()
    {
        await using var receiver = await PushReceiver.StartAsync();
        receiver.Down = true;
        await using var writer = new ProfileWriter([Endpoint(receiver.Url, retries: 2)], new Dictionary<string, string>(), TimeProvider.System, NullLogger.Instance);

        await writer.AppendAsync(Labels, SyntheticProfiles.HeapGzip(1), CancellationToken.None);
        await WaitAsync(() => writer.Queues[0].DroppedProfiles == 1);

        Assert.Equal(3, receiver.Attempts.Count); // the push and its two retries
        Assert.Equal(2, writer.Queues[0].Retries);
    }

    [Fact]
    public async Task While_the_endpoint_is_down_memory_stays_bounded_and_the_oldest_profiles_are_dropped_and_counted()
    {
        await using var receiver = await PushReceiver.StartAsync();
        receiver.Down = true;
        var one = ProfileWriter.Encode(Labels, SyntheticProfiles.HeapGzip(0), new Dictionary<string, string>()).Length;
        // Room for three queued profiles; one more is in the sender's hands, retrying forever.
        await using var writer = new ProfileWriter([Endpoint(receiver.Url, retries: 0, queueBytes: one * 3 + one / 2)],
            new Dictionary<string, string>(), TimeProvider.System, NullLogger.Instance);

        await writer.AppendAsync(Labels, SyntheticProfiles.HeapGzip(0), CancellationToken.None);
        await WaitAsync(() => receiver.Attempts.Count >= 1);
        for (var i = 1; i <= 20; i++)
        {
            await writer.AppendAsync(Labels, SyntheticProfiles.HeapGzip(i), CancellationToken.None);
            Assert.True(writer.Queues[0].PendingBytes <= one * 3 + one / 2);
        }
        Assert.Equal(17, writer.Queues[0].DroppedProfiles);

        receiver.Down = false;
        await WaitAsync(() => receiver.Accepted.Count == 4);
        // The one in flight and the three newest get through.
        var delivered = receiver.Accepted.Select(r => ProfileDecoder.Decode(r.Series[0].Samples[0].RawProfile.Memory, 0).TimeNanos).ToList();
        Assert.Equal([0, 18, 19, 20], delivered);
        Assert.Equal(4, writer.Queues[0].SentProfiles);
    }

    [Theory]
    [InlineData(1, 50)]
    [InlineData(2, 100)]
    [InlineData(4, 400)]
    [InlineData(9, 400)]
    public void Backoff_doubles_from_the_minimum_to_the_maximum(int retry, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), new PushBackoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(400), 10).DelayBefore(retry));

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 15 s");
            await Task.Delay(20);
        }
    }
}
