using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.RemoteWrite.Queue;
using AlloyOrleans.Grains.RemoteWrite.Wal;
using AlloyOrleans.Grains.Scrape;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.RemoteWrite;

/// <summary>
/// The engine of one prometheus.remote_write component: a WAL in its own directory that every appended batch is
/// written to before <see cref="AppendAsync"/> returns, one <see cref="EndpointQueue"/> per endpoint sending it, and
/// the truncation that removes what all endpoints have sent.
/// </summary>
public sealed partial class RemoteWriteStorage : ISampleSink, IAsyncDisposable
{
    // A flush waits for one request round trip; polling the sent position this often adds little to it.
    private static readonly TimeSpan FlushPollInterval = TimeSpan.FromMilliseconds(5);

    private readonly WriteAheadLog _wal;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _configure = new(1, 1);
    private IReadOnlyList<EndpointQueue> _queues = [];
    private WalOptions _walOptions;
    private int _disposed;

    public RemoteWriteStorage(string directory, string componentId, WalOptions walOptions, ILogger logger)
        : this(directory, componentId, walOptions, logger, SegmentFiles.Default)
    {
    }

    internal RemoteWriteStorage(string directory, string componentId, WalOptions walOptions, ILogger logger, SegmentFiles files)
    {
        ComponentId = componentId;
        _walOptions = walOptions;
        _logger = logger;
        _wal = WriteAheadLog.Open(directory, walOptions, logger, files);
        _wal.SegmentDropped = CountDropped;
        RemoteWriteMetrics.Register(this);
    }

    public string ComponentId { get; }

    public WriteAheadLog Wal => _wal;

    public IReadOnlyList<EndpointQueue> Queues => _queues;

    internal long? HighestTimestampMs => _wal.HighestTimestampMs;

    /// <summary>
    /// Replaces the endpoint queues. Each new queue continues from its endpoint's durable position (by name), so a
    /// reconfiguration loses nothing; a batch in flight at that moment may be sent twice. The new queues are built
    /// first: if one cannot be (a TLS file that does not read), the old ones keep sending.
    /// </summary>
    public async Task ConfigureAsync(IReadOnlyList<RemoteWriteEndpointOptions> endpoints, IReadOnlyList<Label> externalLabels, WalOptions walOptions, CancellationToken cancellationToken)
    {
        await _configure.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var built = new List<EndpointQueue>(endpoints.Count);
            try
            {
                foreach (var endpoint in endpoints)
                {
                    built.Add(new EndpointQueue(_wal, endpoint, externalLabels, ComponentId, _logger));
                }
            }
            catch
            {
                foreach (var queue in built)
                {
                    await queue.DisposeAsync().ConfigureAwait(false);
                }
                throw;
            }
            foreach (var queue in _queues)
            {
                await queue.DisposeAsync().ConfigureAwait(false);
            }
            _walOptions = walOptions;
            _wal.SetMaxDiskUsage(walOptions.MaxDiskUsageBytes);
            foreach (var queue in built)
            {
                queue.Start();
            }
            _queues = built;
        }
        finally
        {
            _configure.Release();
        }
    }

    public async ValueTask AppendAsync(IReadOnlyList<Sample> samples, CancellationToken cancellationToken)
    {
        if (samples.Count > 0)
        {
            await _wal.AppendAsync(samples, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every endpoint sends what was appended so far without waiting for its batch deadline.</summary>
    public void RequestFlush()
    {
        foreach (var queue in _queues)
        {
            queue.RequestFlush();
        }
    }

    /// <summary>
    /// Every endpoint sends what was appended so far at once; completes when each has sent it (or had it refused), or
    /// when cancelled. An endpoint that keeps failing holds it up: the caller bounds the wait.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var appended = _wal.Head;
        var queues = _queues;
        RequestFlush();
        foreach (var queue in queues)
        {
            while (queue.SentPosition < appended)
            {
                await Task.Delay(FlushPollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Truncates every <c>truncate_frequency</c> (as Alloy) until cancelled. Sample records reference series by id, so
    /// sent data costs a few bytes per sample until then (scripts/bench-vs-agent.sh reports disk bytes per sample), and
    /// <c>max_disk_usage</c> bounds it whatever the frequency.
    /// </summary>
    public async Task RunTruncationAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_walOptions.TruncateFrequency, cancellationToken).ConfigureAwait(false);
                await TruncateAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Removes segments every endpoint has sent (and older than min_keepalive_time) or older than max_keepalive_time.</summary>
    public async Task TruncateAsync(CancellationToken cancellationToken)
    {
        var queues = _queues;
        var sentByAll = queues.Count == 0 ? _wal.Head : queues.Min(q => q.SentPosition);
        var expired = await _wal.TruncateAsync(sentByAll, _walOptions.MinKeepaliveTime, _walOptions.MaxKeepaliveTime, DateTime.UtcNow, cancellationToken).ConfigureAwait(false);
        foreach (var (segment, samples) in expired)
        {
            LogExpired(_logger, ComponentId, segment, samples, _walOptions.MaxKeepaliveTime);
            foreach (var queue in queues.Where(q => q.SentPosition.Segment <= segment))
            {
                RemoteWriteMetrics.SamplesDropped.Add(samples, queue.Tags);
            }
        }
    }

    /// <summary>Counts a segment removed by the WAL's size bound as dropped for every endpoint that had not sent it.</summary>
    private void CountDropped(int segment, long samples)
    {
        foreach (var queue in _queues.Where(q => q.SentPosition.Segment <= segment))
        {
            RemoteWriteMetrics.SamplesDropped.Add(samples, queue.Tags);
        }
    }

    /// <summary>
    /// Graceful stop: every endpoint sends what the WAL holds, in parallel, each within its <c>FlushDeadline</c>;
    /// then the WAL is closed. What could not be sent in time stays in the WAL for the next start.
    /// </summary>
    public async Task DrainAsync()
    {
        await _configure.WaitAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_queues.Select(q => q.DrainAsync(q.Options.FlushDeadline))).ConfigureAwait(false);
        }
        finally
        {
            _configure.Release();
        }
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the queues at once and closes the WAL; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        RemoteWriteMetrics.Unregister(this);
        foreach (var queue in _queues)
        {
            await queue.DisposeAsync().ConfigureAwait(false);
        }
        await _wal.DisposeAsync().ConfigureAwait(false);
        _configure.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ComponentId}: removed WAL segment {Segment} with {Samples} samples not sent to every endpoint, older than max_keepalive_time {MaxKeepalive}")]
    private static partial void LogExpired(ILogger logger, string componentId, int segment, long samples, TimeSpan maxKeepalive);
}
