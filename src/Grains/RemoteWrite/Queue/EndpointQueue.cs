using System.Diagnostics;
using System.IO.Hashing;
using System.Text;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.RemoteWrite.Wal;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.RemoteWrite.Queue;

/// <summary>
/// Sends the WAL to one endpoint: reads records from its durable "sent up to" position, applies write relabelling,
/// routes each sample to a shard by its series hash (so a series stays in order), and lets the shards batch and send.
/// Full shards stop the reader, so memory stays bounded (shards × capacity) while the WAL holds the backlog.
/// The shard count follows the backlog between <c>min_shards</c> and <c>max_shards</c>, as Prometheus computes it.
/// </summary>
public sealed partial class EndpointQueue : IAsyncDisposable
{
    // Prometheus' tuning: ignore shard changes within ±30 %, and catch up a backlog at 10 % per update interval.
    private const double ShardTolerance = 0.3;
    private const double BacklogGain = 0.1;
    private const double RateSmoothing = 0.2;

    private readonly WriteAheadLog _wal;
    private readonly RemoteWriteEndpointOptions _options;
    private readonly WriteRelabelCache? _writeRelabel;
    private readonly Label[] _encoderExternalLabels;
    private readonly ILogger _logger;
    private readonly RemoteWriteClient _client;
    private readonly ShardRouter _router = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _drain = new();
    private CancellationTokenSource _flush = new();
    private SentPositionFile? _positionFile;
    private SentTracker? _tracker;
    private WalPosition _initialPosition;
    // Where the WAL ended when this queue started: what lies before it was left unsent by an earlier process.
    private WalPosition? _replayEnd;
    private Task _supervisor = Task.CompletedTask;
    private Task _reshardLoop = Task.CompletedTask;
    private QueueShard[] _shards = [];
    private volatile int _desiredShards;
    private long _pending;
    private long _highestSentTimestampMs = long.MinValue;
    private long _sentSamples;
    private long _sendTicks;
    private long _retriedBatches;

    /// <summary>
    /// Builds the queue (an unreadable TLS file throws here) without touching the WAL or the endpoint's position:
    /// <see cref="Start"/> does that, so a reconfiguration can build every new queue before it stops the old ones.
    /// </summary>
    public EndpointQueue(WriteAheadLog wal, RemoteWriteEndpointOptions options, IReadOnlyList<Label> externalLabels, string componentId, ILogger logger)
    {
        _wal = wal;
        _options = options;
        Label[] external = [.. LabelSet.From(externalLabels).AsSpan()];
        // With write_relabel_config the rules see the external labels (WriteRelabelCache adds them); the encoder then
        // has nothing left to add.
        _writeRelabel = options.WriteRelabel.Count > 0 ? new WriteRelabelCache(external, options.WriteRelabel) : null;
        _encoderExternalLabels = _writeRelabel is null ? external : [];
        _logger = logger;
        // Credentials in the URL's user-info part must not end up in a metric label.
        Tags = RemoteWriteMetrics.Tags(componentId, options.Name,
            options.Url.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped));
        _client = new RemoteWriteClient(options);
        _desiredShards = options.Queue.MinShards;
    }

    /// <summary>
    /// Starts sending from the endpoint's stored position. Without one (a new endpoint, or a file lost or torn) it
    /// starts at the oldest data in the WAL: a sample sent twice with the same value is harmless at a receiver, one
    /// never sent is lost.
    /// </summary>
    public void Start()
    {
        _positionFile = SentPositionFile.Open(Path.Combine(_wal.Directory, FileNameFor(_options.Name)), out var stored);
        _initialPosition = Clamp(stored ?? _wal.Tail);
        _positionFile.Write(_initialPosition);
        var head = _wal.Head;
        _replayEnd = _initialPosition < head ? head : null;
        RemoteWriteMetrics.Register(this);
        _supervisor = Task.Run(() => SuperviseAsync(_stop.Token));
        _reshardLoop = Task.Run(() => ReshardLoopAsync(_stop.Token));
    }

    public string Name => _options.Name;

    /// <summary>Everything before this WAL position has been sent (or refused by the receiver).</summary>
    public WalPosition SentPosition => Volatile.Read(ref _tracker)?.Sent ?? _initialPosition;

    internal TagList Tags { get; }

    internal long PendingSamples => Interlocked.Read(ref _pending);

    internal QueueOptions Options => _options.Queue;

    internal int DesiredShards => _desiredShards;

    internal int ShardCount => Volatile.Read(ref _shards).Length;

    internal long? HighestSentTimestampMs
    {
        get
        {
            var value = Interlocked.Read(ref _highestSentTimestampMs);
            return value == long.MinValue ? null : value;
        }
    }

    private WalPosition Clamp(WalPosition position)
    {
        var head = _wal.Head;
        var tail = _wal.Tail;
        return position > head ? head : position < tail ? tail : position;
    }

    /// <summary>A file name for the endpoint's position: readable, and distinct even for names that differ only in symbols.</summary>
    private static string FileNameFor(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        var hash = Convert.ToHexStringLower(XxHash64.Hash(Encoding.UTF8.GetBytes(name)))[..8];
        return $"sent-{new string(chars)}-{hash}.pos";
    }

    /// <summary>
    /// Runs sessions (a reader at the sent position, the shards, the routing loop) until stopped or drained. A session
    /// that fails — an I/O error, a relabel regex that timed out, a shard that threw — is torn down and, after a
    /// backoff, a new one reopens the WAL at the durable sent position: what was in flight is sent again, not lost.
    /// </summary>
    private async Task SuperviseAsync(CancellationToken stop)
    {
        var backoff = _options.Queue.MinBackoff;
        while (!stop.IsCancellationRequested)
        {
            var startedAt = SentPosition;
            var failure = await RunSessionAsync(stop).ConfigureAwait(false);
            if (failure is null)
            {
                return;
            }
            if (SentPosition > startedAt)
            {
                backoff = _options.Queue.MinBackoff; // the session made progress: the fault is not a steady one
            }
            LogSessionFailed(_logger, failure, Name, backoff);
            try
            {
                await Task.Delay(backoff, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.Queue.MaxBackoff.Ticks));
        }
    }

    /// <summary>One session; returns its failure, or null when stopped or when a drain has sent everything.</summary>
    private async Task<Exception?> RunSessionAsync(CancellationToken stop)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var tracker = new SentTracker(SentPosition, _positionFile!);
        Volatile.Write(ref _tracker, tracker);
        Interlocked.Exchange(ref _pending, 0);
        using var reader = _wal.OpenReader(tracker.Sent);
        var shards = StartShards(_desiredShards, session);
        Exception? failure = null;
        try
        {
            await ReadLoopAsync(reader, tracker, session.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (session.IsCancellationRequested)
        {
            // Stopped, or a shard failed and cancelled the session.
        }
        catch (Exception e)
        {
            failure = e;
        }
        await session.CancelAsync().ConfigureAwait(false);
        shards = Volatile.Read(ref _shards);
        await Task.WhenAll(shards.Select(s => s.Completion)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return stop.IsCancellationRequested ? null : failure ?? shards.Select(s => s.Failure).FirstOrDefault(f => f is not null);
    }

    /// <summary>
    /// Routes records to shards; once a drain is requested, stops at the head and lets the shards send the rest. A
    /// flush request (<see cref="RequestFlush"/>) makes the shards send their partial batches once the reader has
    /// routed everything appended before the request.
    /// </summary>
    private async Task ReadLoopAsync(WalReader reader, SentTracker tracker, CancellationToken cancellationToken)
    {
        var shards = Volatile.Read(ref _shards);
        var flush = Volatile.Read(ref _flush);
        var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _drain.Token, flush.Token);
        var cutPending = false;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_drain.IsCancellationRequested && reader.Position >= _wal.Head)
                {
                    await CloseAndWaitAsync(shards, cancellationToken).ConfigureAwait(false);
                    return;
                }
                if (flush.IsCancellationRequested)
                {
                    // A new request source first, then the head check: a request made before the swap appended its
                    // samples before it, so the check below sees them; one made after it cancels the new source.
                    flush = new CancellationTokenSource();
                    Volatile.Write(ref _flush, flush);
                    wake.Dispose();
                    wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _drain.Token, flush.Token);
                    cutPending = true;
                }
                if (cutPending && reader.Position >= _wal.Head)
                {
                    foreach (var shard in shards)
                    {
                        shard.CutBatch();
                    }
                    cutPending = false;
                }
                WalRecord record;
                try
                {
                    record = await reader.ReadAsync(_logger, wake.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    continue; // waiting at the head when a drain or a flush was requested
                }
                if (_desiredShards != shards.Length)
                {
                    shards = await ReshardAsync(shards, _desiredShards, cancellationToken).ConfigureAwait(false);
                }
                await RouteAsync(record, tracker, shards, cancellationToken).ConfigureAwait(false);
                if (_replayEnd is { } replayEnd && reader.Position >= replayEnd)
                {
                    // What an earlier process left unsent goes in batches of its own: after a crash a receiver may
                    // refuse it (the series moved on meanwhile, out of order), and a refusal takes its whole request.
                    _replayEnd = null;
                    shards = await RestartShardsAsync(shards, shards.Length, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            wake.Dispose();
        }
    }

    /// <summary>
    /// Sends what was appended before this call without waiting for <c>batch_send_deadline</c>; returns at once. Used
    /// when a target moves to another silo, so this silo's last samples of it reach the receiver before the new
    /// owner's first ones.
    /// </summary>
    public void RequestFlush() => Volatile.Read(ref _flush).Cancel();

    /// <summary>
    /// Hands a record's samples to the shards, one chunk per shard in record order: a series always goes to the same
    /// shard (by its label hash), so its samples stay in order.
    /// </summary>
    private async Task RouteAsync(WalRecord record, SentTracker tracker, QueueShard[] shards, CancellationToken cancellationToken)
    {
        var ticket = tracker.Begin(record.Next);
        _router.Split(record.Samples, _writeRelabel, shards.Length);
        for (var i = 0; i < shards.Length; i++)
        {
            if (_router.Chunk(i) is not { } samples)
            {
                continue;
            }
            var count = _router.Count(i);
            Interlocked.Add(ref ticket.Outstanding, count);
            Interlocked.Add(ref _pending, count);
            await shards[i].EnqueueAsync(new SampleChunk(samples, count, ticket), cancellationToken).ConfigureAwait(false);
        }
        tracker.Seal(ticket);
    }

    private QueueShard[] StartShards(int count, CancellationTokenSource session)
    {
        var shards = new QueueShard[count];
        for (var i = 0; i < count; i++)
        {
            shards[i] = new QueueShard(this, _options.Queue, session);
        }
        Volatile.Write(ref _shards, shards);
        return shards;
    }

    /// <summary>Drains the current shards completely before starting the new set, so no series is reordered.</summary>
    private async Task<QueueShard[]> ReshardAsync(QueueShard[] shards, int count, CancellationToken cancellationToken)
    {
        LogResharding(_logger, Name, shards.Length, count);
        return await RestartShardsAsync(shards, count, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends everything the shards hold, then starts <paramref name="count"/> new ones: nothing routed later shares a batch with it.</summary>
    private async Task<QueueShard[]> RestartShardsAsync(QueueShard[] shards, int count, CancellationToken cancellationToken)
    {
        await CloseAndWaitAsync(shards, cancellationToken).ConfigureAwait(false);
        return StartShards(count, shards[0].Session);
    }

    private static async Task CloseAndWaitAsync(QueueShard[] shards, CancellationToken cancellationToken)
    {
        foreach (var shard in shards)
        {
            shard.Close();
        }
        await Task.WhenAll(shards.Select(s => s.Completion)).WaitAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested(); // a shard that failed cancelled the session
    }

    /// <summary>Sends one batch, retrying recoverable failures with exponential backoff until sent, refused or cancelled.</summary>
    internal async Task SendAsync(WriteRequestEncoder encoder, Sample[] samples, int count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return;
        }
        var body = encoder.EncodeCompressed(samples.AsSpan(0, count), _encoderExternalLabels);
        var backoff = _options.Queue.MinBackoff;
        var attempt = 0;
        while (true)
        {
            attempt++;
            var started = Stopwatch.GetTimestamp();
            var outcome = await _client.SendAsync(body, cancellationToken).ConfigureAwait(false);
            var elapsed = Stopwatch.GetTimestamp() - started;
            RemoteWriteMetrics.SentBatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, Tags);
            switch (outcome.Kind)
            {
                case SendOutcomeKind.Sent:
                    RemoteWriteMetrics.SamplesTotal.Add(count, Tags);
                    RemoteWriteMetrics.BytesTotal.Add(body.Length, Tags);
                    Interlocked.Add(ref _sentSamples, count);
                    Interlocked.Add(ref _sendTicks, elapsed);
                    UpdateHighestSent(samples, count);
                    if (attempt > 1)
                    {
                        LogRecovered(_logger, Name, count, attempt);
                    }
                    return;
                case SendOutcomeKind.Drop:
                    RemoteWriteMetrics.SamplesFailed.Add(count, Tags);
                    RemoteWriteMetrics.SamplesDropped.Add(count, Tags);
                    LogDropped(_logger, Name, count, outcome.StatusCode, outcome.Error);
                    return;
                default:
                    RemoteWriteMetrics.SamplesRetried.Add(count, Tags);
                    Interlocked.Increment(ref _retriedBatches);
                    var delay = outcome.RetryAfter ?? backoff;
                    // As Alloy: a failing endpoint is reported once per batch, not once per backoff step.
                    if (attempt == 1)
                    {
                        LogRetrying(_logger, Name, count, outcome.StatusCode, outcome.Error, delay);
                    }
                    else
                    {
                        LogRetryingAgain(_logger, Name, count, attempt, outcome.StatusCode, outcome.Error, delay);
                    }
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.Queue.MaxBackoff.Ticks));
                    break;
            }
        }
    }

    internal void Complete(RecordTicket ticket, int samples)
    {
        Interlocked.Add(ref _pending, -samples);
        ticket.Tracker.Complete(ticket, samples);
    }

    private void UpdateHighestSent(Sample[] samples, int count)
    {
        var highest = long.MinValue;
        for (var i = 0; i < count; i++)
        {
            highest = Math.Max(highest, samples[i].TimestampMs);
        }
        var current = Interlocked.Read(ref _highestSentTimestampMs);
        while (highest > current)
        {
            var seen = Interlocked.CompareExchange(ref _highestSentTimestampMs, highest, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    /// <summary>
    /// Prometheus' shard calculation: shards = time per sample × (incoming rate + a share of the backlog), where the
    /// backlog is the incoming rate times how far the newest sent timestamp lags the newest appended one. Skipped
    /// while sends fail (more shards would not help) and when the change is within the tolerance.
    /// </summary>
    private async Task ReshardLoopAsync(CancellationToken cancellationToken)
    {
        var queue = _options.Queue;
        var interval = queue.ShardUpdateInterval;
        double inRate = 0;
        long lastAppended = _wal.SamplesAppended, lastSent = 0, lastTicks = 0, lastRetries = 0;
        double secondsPerSample = 0;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                long appended = _wal.SamplesAppended, sent = Interlocked.Read(ref _sentSamples);
                long ticks = Interlocked.Read(ref _sendTicks), retries = Interlocked.Read(ref _retriedBatches);
                inRate = RateSmoothing * ((appended - lastAppended) / interval.TotalSeconds) + (1 - RateSmoothing) * inRate;
                if (sent > lastSent)
                {
                    secondsPerSample = (ticks - lastTicks) / (double)Stopwatch.Frequency / (sent - lastSent);
                }
                var failing = retries != lastRetries;
                (lastAppended, lastSent, lastTicks, lastRetries) = (appended, sent, ticks, retries);
                if (failing || secondsPerSample == 0)
                {
                    continue;
                }
                var lagSeconds = _wal.HighestTimestampMs is { } newest && HighestSentTimestampMs is { } sentUpTo
                    ? Math.Max(0, (newest - sentUpTo) / 1000.0)
                    : 0;
                var wanted = secondsPerSample * (inRate + BacklogGain * lagSeconds * inRate);
                var current = ShardCount;
                if (wanted > current * (1 - ShardTolerance) && wanted < current * (1 + ShardTolerance))
                {
                    continue;
                }
                _desiredShards = Math.Clamp((int)Math.Ceiling(wanted), queue.MinShards, queue.MaxShards);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Graceful stop: sends everything appended so far — shards send their partial batches at once, without waiting
    /// for <c>batch_send_deadline</c> — for at most <paramref name="deadline"/>, then stops. What is still unsent
    /// stays in the WAL behind the durable position.
    /// </summary>
    public async Task DrainAsync(TimeSpan deadline)
    {
        await _drain.CancelAsync().ConfigureAwait(false);
        try
        {
            await _supervisor.WaitAsync(deadline).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogDrainTimedOut(_logger, Name, deadline, SentPosition.ToString(), _wal.Head.ToString());
        }
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops at once; what was not sent stays in the WAL behind the durable position and is sent on the next start.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        RemoteWriteMetrics.Unregister(this);
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_supervisor, _reshardLoop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _client.Dispose();
        _positionFile?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Remote write {RemoteName}: dropped {Count} samples, the receiver answered {StatusCode}: {Error}")]
    private static partial void LogDropped(ILogger logger, string remoteName, int count, int statusCode, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Remote write {RemoteName}: retrying {Count} samples in {Delay} (status {StatusCode}: {Error})")]
    private static partial void LogRetrying(ILogger logger, string remoteName, int count, int statusCode, string? error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Remote write {RemoteName}: retrying {Count} samples again (attempt {Attempt}) in {Delay} (status {StatusCode}: {Error})")]
    private static partial void LogRetryingAgain(ILogger logger, string remoteName, int count, int attempt, int statusCode, string? error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Remote write {RemoteName}: sent {Count} samples after {Attempts} attempts")]
    private static partial void LogRecovered(ILogger logger, string remoteName, int count, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Remote write {RemoteName}: resharding from {From} to {To} shards")]
    private static partial void LogResharding(ILogger logger, string remoteName, int from, int to);

    [LoggerMessage(Level = LogLevel.Error, Message = "Remote write {RemoteName}: sending failed; reopening the WAL at the sent position in {Backoff}")]
    private static partial void LogSessionFailed(ILogger logger, Exception exception, string remoteName, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Remote write {RemoteName}: not drained within {Deadline} (sent up to {Sent}, WAL head {Head}); the rest is sent after the restart")]
    private static partial void LogDrainTimedOut(ILogger logger, string remoteName, TimeSpan deadline, string sent, string head);
}
