using System.Threading.Channels;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.RemoteWrite.Wal;

namespace AlloyOrleans.Grains.RemoteWrite.Queue;

/// <summary>
/// One sending lane of an endpoint queue: a bounded buffer of samples and a loop that cuts it into batches of
/// <c>max_samples_per_send</c> or whatever arrived within <c>batch_send_deadline</c>, and sends them one at a time,
/// so the samples of a series (always routed to the same shard) arrive in order.
/// </summary>
internal sealed class QueueShard
{
    private readonly Channel<QueuedSample> _buffer;
    private readonly EndpointQueue _queue;
    private readonly QueueOptions _options;
    private readonly WriteRequestEncoder _encoder = new();
    private readonly Sample[] _samples;
    private readonly RecordTicket[] _tickets;
    private CancellationTokenSource _cut = new();

    /// <param name="session">The endpoint's current session: cancelled by the endpoint to stop, and by the shard when it fails.</param>
    public QueueShard(EndpointQueue queue, QueueOptions options, CancellationTokenSource session)
    {
        Session = session;
        _queue = queue;
        _options = options;
        _buffer = Channel.CreateBounded<QueuedSample>(new BoundedChannelOptions(options.Capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _samples = new Sample[options.MaxSamplesPerSend];
        _tickets = new RecordTicket[options.MaxSamplesPerSend];
        Completion = Task.Run(() => RunAsync(session.Token), CancellationToken.None);
    }

    public CancellationTokenSource Session { get; }

    /// <summary>What made the shard stop, if it failed; the endpoint then starts a new session.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Completes when the shard has sent everything after <see cref="Close"/>, or when cancelled.</summary>
    public Task Completion { get; }

    /// <summary>Waits while the buffer is full (back-pressure onto the WAL reader).</summary>
    public ValueTask EnqueueAsync(QueuedSample sample, CancellationToken cancellationToken) =>
        _buffer.Writer.WriteAsync(sample, cancellationToken);

    /// <summary>Sends the batch being filled now, with what is buffered, instead of at its deadline.</summary>
    public void CutBatch() => Volatile.Read(ref _cut).Cancel();

    /// <summary>No more samples: send what is buffered and stop.</summary>
    public void Close() => _buffer.Writer.TryComplete();

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var reader = _buffer.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
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

    private async Task<int> FillBatchAsync(ChannelReader<QueuedSample> reader, CancellationToken cancellationToken)
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

    private void Take(ChannelReader<QueuedSample> reader, ref int count)
    {
        while (count < _samples.Length && reader.TryRead(out var item))
        {
            _samples[count] = item.Sample;
            _tickets[count] = item.Ticket;
            count++;
        }
    }

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
