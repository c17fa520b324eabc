using System.Threading.Channels;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.RemoteWrite.Wal;

namespace AlloyOrleans.Grains.RemoteWrite.Queue;

/// <summary>
/// One sending lane of an endpoint queue: a bounded buffer of samples and a loop that cuts it into batches of
/// <c>max_samples_per_send</c> or whatever arrived within <c>batch_send_deadline</c>, and sends them one at a time,
/// so the samples of a series (always routed to the same shard) arrive in order.
/// </summary>
/// <remarks>
/// Samples arrive in chunks (one per WAL record), and the bound counts samples, as Prometheus' capacity does: a chunk
/// is let in while fewer than <c>capacity</c> samples wait, so the buffer holds at most capacity plus one record's
/// share. One chunk per record costs one channel operation on each side, where one per sample cost two locks a sample.
/// </remarks>
internal sealed class QueueShard
{
    private readonly Channel<SampleChunk> _buffer = Channel.CreateUnbounded<SampleChunk>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = true,
    });
    private readonly EndpointQueue _queue;
    private readonly QueueOptions _options;
    private readonly WriteRequestEncoder _encoder = new();
    private readonly Sample[] _samples;
    private readonly RecordTicket[] _tickets;
    private CancellationTokenSource _cut = new();
    // Samples in the buffer not yet taken into a batch; only the router adds and only the send loop takes.
    private int _buffered;
    // Completed (and replaced) when taking samples brings the buffer below capacity; the router waits on it when full.
    private TaskCompletionSource _space = NewSignal();
    // The chunk being cut into batches and how much of it is taken.
    private SampleChunk _current;
    private int _taken;

    /// <param name="session">The endpoint's current session: cancelled by the endpoint to stop, and by the shard when it fails.</param>
    public QueueShard(EndpointQueue queue, QueueOptions options, CancellationTokenSource session)
    {
        Session = session;
        _queue = queue;
        _options = options;
        _samples = new Sample[options.MaxSamplesPerSend];
        _tickets = new RecordTicket[options.MaxSamplesPerSend];
        Completion = Task.Run(() => RunAsync(session.Token), CancellationToken.None);
    }

    public CancellationTokenSource Session { get; }

    /// <summary>What made the shard stop, if it failed; the endpoint then starts a new session.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Completes when the shard has sent everything after <see cref="Close"/>, or when cancelled.</summary>
    public Task Completion { get; }

    /// <summary>Hands a chunk over; waits while the buffer is full (back-pressure onto the WAL reader). One writer only.</summary>
    public ValueTask EnqueueAsync(SampleChunk chunk, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _buffered) >= _options.Capacity)
        {
            return WaitAndEnqueueAsync(chunk, cancellationToken);
        }
        Add(chunk);
        return default;
    }

    private async ValueTask WaitAndEnqueueAsync(SampleChunk chunk, CancellationToken cancellationToken)
    {
        while (true)
        {
            // The signal before the count: space made after this read completes this signal or shows in the count.
            var space = Volatile.Read(ref _space);
            if (Volatile.Read(ref _buffered) < _options.Capacity)
            {
                break;
            }
            await space.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        Add(chunk);
    }

    private void Add(SampleChunk chunk)
    {
        Interlocked.Add(ref _buffered, chunk.Count);
        if (!_buffer.Writer.TryWrite(chunk))
        {
            chunk.Return();
            throw new InvalidOperationException("the shard was closed before its last chunk");
        }
    }

    /// <summary>Sends the batch being filled now, with what is buffered, instead of at its deadline.</summary>
    public void CutBatch() => Volatile.Read(ref _cut).Cancel();

    /// <summary>No more samples: send what is buffered and stop.</summary>
    public void Close() => _buffer.Writer.TryComplete();

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var reader = _buffer.Reader;
        try
        {
            while (_current.Samples is not null || await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var count = await FillBatchAsync(reader, cancellationToken).ConfigureAwait(false);
                await _queue.SendAsync(_encoder, _samples, count, cancellationToken).ConfigureAwait(false);
                CompleteTickets(count);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: whatever was not sent stays in the WAL behind the durable position.
        }
        catch (Exception e)
        {
            Failure = e;
            await Session.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task<int> FillBatchAsync(ChannelReader<SampleChunk> reader, CancellationToken cancellationToken)
    {
        var count = 0;
        var cut = Volatile.Read(ref _cut);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, cut.Token);
        deadline.CancelAfter(_options.BatchSendDeadline);
        while (count < _samples.Length)
        {
            Take(reader, ref count);
            if (count == _samples.Length)
            {
                break;
            }
            try
            {
                if (!await reader.WaitToReadAsync(deadline.Token).ConfigureAwait(false))
                {
                    break; // closed: send the rest
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (cut.IsCancellationRequested)
                {
                    // Cut: a new source first, then take what is buffered, so a cut requested meanwhile is either
                    // covered by this take or cancels the new source.
                    Volatile.Write(ref _cut, new CancellationTokenSource());
                    Take(reader, ref count);
                }
                break; // batch_send_deadline, or cut
            }
        }
        return count;
    }

    /// <summary>Takes buffered samples into the batch until it is full or the buffer is empty.</summary>
    private void Take(ChannelReader<SampleChunk> reader, ref int count)
    {
        var before = count;
        while (count < _samples.Length)
        {
            if (_current.Samples is null)
            {
                if (!reader.TryRead(out _current))
                {
                    break;
                }
                _taken = 0;
            }
            var n = Math.Min(_current.Count - _taken, _samples.Length - count);
            _current.Samples.AsSpan(_taken, n).CopyTo(_samples.AsSpan(count));
            _tickets.AsSpan(count, n).Fill(_current.Ticket);
            count += n;
            _taken += n;
            if (_taken == _current.Count)
            {
                _current.Return();
                _current = default;
            }
        }
        var taken = count - before;
        if (taken == 0)
        {
            return;
        }
        var left = Interlocked.Add(ref _buffered, -taken);
        if (left < _options.Capacity && left + taken >= _options.Capacity)
        {
            // The count first, then the signal: see WaitAndEnqueueAsync.
            Interlocked.Exchange(ref _space, NewSignal()).TrySetResult();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void CompleteTickets(int count)
    {
        var i = 0;
        while (i < count)
        {
            var ticket = _tickets[i];
            var run = 1;
            while (i + run < count && ReferenceEquals(_tickets[i + run], ticket))
            {
                run++;
            }
            _queue.Complete(ticket, run);
            i += run;
        }
        Array.Clear(_samples, 0, count);
        Array.Clear(_tickets, 0, count);
    }
}
