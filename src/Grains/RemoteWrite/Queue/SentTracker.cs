using AlloyOrleans.Grains.RemoteWrite.Wal;

namespace AlloyOrleans.Grains.RemoteWrite.Queue;

/// <summary>
/// Turns out-of-order completions (shards finish batches independently) into an in-order "sent up to" WAL position:
/// the end of the longest prefix of records whose every sample was sent or dropped. Persisted on every advance.
/// </summary>
internal sealed class SentTracker(WalPosition start, SentPositionFile file)
{
    private readonly Lock _lock = new();
    private readonly Queue<RecordTicket> _inFlight = new();
    private WalPosition _sent = start;

    public WalPosition Sent
    {
        get
        {
            lock (_lock)
            {
                return _sent;
            }
        }
    }

    /// <summary>Starts tracking a record; the ticket holds one guard count until <see cref="Seal"/>.</summary>
    public RecordTicket Begin(WalPosition next)
    {
        var ticket = new RecordTicket(this, next);
        lock (_lock)
        {
            _inFlight.Enqueue(ticket);
        }
        return ticket;
    }

    /// <summary>All of the record's samples have been handed to shards.</summary>
    public void Seal(RecordTicket ticket) => Complete(ticket, 1);

    /// <summary><paramref name="samples"/> of the ticket's samples are sent or dropped.</summary>
    public void Complete(RecordTicket ticket, int samples)
    {
        if (Interlocked.Add(ref ticket.Outstanding, -samples) != 0)
        {
            return;
        }
        lock (_lock)
        {
            var moved = false;
            while (_inFlight.TryPeek(out var head) && Volatile.Read(ref head.Outstanding) == 0)
            {
                _sent = _inFlight.Dequeue().Next;
                moved = true;
            }
            if (moved)
            {
                file.Write(_sent);
            }
        }
    }
}

/// <summary>A WAL record on its way out: how many of its samples are not yet sent (plus a guard while routing).</summary>
internal sealed class RecordTicket(SentTracker tracker, WalPosition next)
{
    public readonly SentTracker Tracker = tracker;
    public readonly WalPosition Next = next;
    public int Outstanding = 1;
}
