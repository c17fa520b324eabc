using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.Pyroscope;

/// <summary>
/// The profiles waiting for one endpoint, sent one push at a time with Alloy's retries and backoff. Memory is bounded
/// by <see cref="PushEndpointOptions.QueueBytes"/>: when the endpoint is down and the queue is full, the oldest
/// profiles are dropped (a profile is a point-in-time picture; the newest ones matter most), and every profile given
/// up — dropped from the queue, refused, or out of retries — is counted as dropped.
/// </summary>
public sealed partial class PushQueue : IAsyncDisposable
{
    private readonly PushEndpointOptions _options;
    private readonly ConnectPushClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _endpointTag;
    private readonly Queue<PushItem> _pending = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _sender;
    private long _pendingBytes;

    public PushQueue(PushEndpointOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _client = new ConnectPushClient(options);
        _time = time;
        _logger = logger;
        _endpointTag = new("endpoint", options.Url.ToString());
        _sender = Task.Run(() => SendLoopAsync(_stopping.Token));
    }

    public PushEndpointOptions Options => _options;

    public long PendingBytes => Interlocked.Read(ref _pendingBytes);

    public long SentProfiles => Interlocked.Read(ref _sentProfiles);

    public long DroppedProfiles => Interlocked.Read(ref _droppedProfiles);

    public long Retries => Interlocked.Read(ref _retries);

    private long _sentProfiles, _droppedProfiles, _retries;

    /// <summary>Queues one encoded PushRequest holding <paramref name="profiles"/> profiles; never blocks.</summary>
    public void Enqueue(ReadOnlyMemory<byte> pushRequest, int profiles)
    {
        var item = new PushItem(pushRequest, profiles);
        var dropped = new List<PushItem>();
        lock (_pending)
        {
            if (item.Bytes > _options.QueueBytes)
            {
                dropped.Add(item);
            }
            else
            {
                while (_pendingBytes + item.Bytes > _options.QueueBytes && _pending.Count > 0)
                {
                    var oldest = _pending.Dequeue();
                    _pendingBytes -= oldest.Bytes;
                    dropped.Add(oldest);
                }
                _pending.Enqueue(item);
                _pendingBytes += item.Bytes;
            }
        }
        foreach (var lost in dropped)
        {
            Drop(lost, "queue full");
        }
        if (dropped.Count == 0 || !ReferenceEquals(dropped[^1], item))
        {
            _signal.Release();
        }
    }

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        var backoff = new PushBackoff(_options.MinBackoff, _options.MaxBackoff, _options.MaxBackoffRetries);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            PushItem item;
            lock (_pending)
            {
                if (!_pending.TryDequeue(out item!))
                {
                    continue; // dropped while the signal waited
                }
                _pendingBytes -= item.Bytes;
            }
            await SendWithRetriesAsync(item, backoff, cancellationToken);
        }
    }

    private async Task SendWithRetriesAsync(PushItem item, PushBackoff backoff, CancellationToken cancellationToken)
    {
        var retries = 0;
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            var outcome = await _client.PushAsync(item.Request, cancellationToken);
            PyroscopeWriteMetrics.Latency.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _endpointTag);
            if (outcome.Delivered)
            {
                Interlocked.Add(ref _sentProfiles, item.Profiles);
                PyroscopeWriteMetrics.SentBytes.Add(item.Bytes, _endpointTag);
                PyroscopeWriteMetrics.SentProfiles.Add(item.Profiles, _endpointTag);
                return;
            }
            LogPushFailed(_options.Url, outcome.Error!);
            if (!outcome.Retryable || !backoff.MayRetry(retries) || cancellationToken.IsCancellationRequested)
            {
                Drop(item, outcome.Error!);
                return;
            }
            retries++;
            try
            {
                await Task.Delay(backoff.DelayBefore(retries), _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Drop(item, "shutting down");
                return;
            }
            Interlocked.Increment(ref _retries);
            PyroscopeWriteMetrics.Retries.Add(1, _endpointTag);
        }
    }

    private void Drop(PushItem item, string reason)
    {
        Interlocked.Add(ref _droppedProfiles, item.Profiles);
        PyroscopeWriteMetrics.DroppedBytes.Add(item.Bytes, _endpointTag);
        PyroscopeWriteMetrics.DroppedProfiles.Add(item.Profiles, _endpointTag);
        LogDropped(item.Profiles, _options.Url, reason);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        List<PushItem> left;
        lock (_pending)
        {
            left = [.. _pending];
            _pending.Clear();
            _pendingBytes = 0;
        }
        foreach (var item in left)
        {
            Drop(item, "endpoint stopped or reconfigured");
        }
        _client.Dispose();
        _stopping.Dispose();
    }

    private sealed record PushItem(ReadOnlyMemory<byte> Request, int Profiles)
    {
        public long Bytes => Request.Length;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "failed to push to endpoint {Url}: {Error}")]
    private partial void LogPushFailed(Uri url, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "dropped {Profiles} profiles for endpoint {Url}: {Reason}")]
    private partial void LogDropped(int profiles, Uri url, string reason);
}
