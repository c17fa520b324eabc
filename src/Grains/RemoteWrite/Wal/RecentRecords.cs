namespace AlloyOrleans.Grains.RemoteWrite.Wal;

/// <summary>
/// The payloads of the latest WAL records in a fixed ring of bytes, so readers that keep up decode them from memory
/// instead of reading the segment. It holds the WAL's own encoding (~4 B per sample), not the appended samples: the
/// appender's list is free again when the append returns (the scraper reuses it, allocating nothing per scrape), and
/// the memory is a fixed size instead of a count of samples. A record overwritten by newer ones, or larger than the
/// ring, is read from its segment. Thread-safe.
/// </summary>
internal sealed class RecentRecords
{
    private readonly Lock _lock = new();
    private readonly byte[] _ring;
    private readonly int _maxRecords;
    private readonly Dictionary<WalPosition, Entry> _byStart;
    private readonly Queue<Entry> _order;
    private long _written; // bytes ever written into the ring; the intact window is [_written - ring length, _written)

    public RecentRecords(int capacityBytes, int maxRecords)
    {
        _ring = new byte[capacityBytes];
        _maxRecords = maxRecords;
        _byStart = new Dictionary<WalPosition, Entry>(maxRecords);
        _order = new Queue<Entry>(maxRecords);
    }

    /// <summary>Keeps the payload of the record at <paramref name="start"/>, forgetting the oldest ones it overwrites.</summary>
    public void Add(WalPosition start, WalPosition next, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > _ring.Length)
        {
            return;
        }
        lock (_lock)
        {
            var offset = _written;
            var physical = (int)(offset % _ring.Length);
            var first = Math.Min(payload.Length, _ring.Length - physical);
            payload[..first].CopyTo(_ring.AsSpan(physical));
            payload[first..].CopyTo(_ring);
            _written += payload.Length;
            while (_order.TryPeek(out var oldest) && (oldest.Offset < _written - _ring.Length || _order.Count >= _maxRecords))
            {
                _order.Dequeue();
                _byStart.Remove(oldest.Start);
            }
            var entry = new Entry(start, next, offset, payload.Length);
            _order.Enqueue(entry);
            _byStart[start] = entry;
        }
    }

    /// <summary>Copies the payload of the record at <paramref name="start"/> into <paramref name="buffer"/> (grown if needed), if still held.</summary>
    public bool TryCopy(WalPosition start, ref byte[] buffer, out int length, out WalPosition next)
    {
        lock (_lock)
        {
            if (!_byStart.TryGetValue(start, out var entry))
            {
                length = 0;
                next = default;
                return false;
            }
            if (buffer.Length < entry.Length)
            {
                buffer = new byte[Math.Max(entry.Length, buffer.Length * 2)];
            }
            var physical = (int)(entry.Offset % _ring.Length);
            var first = Math.Min(entry.Length, _ring.Length - physical);
            _ring.AsSpan(physical, first).CopyTo(buffer);
            _ring.AsSpan(0, entry.Length - first).CopyTo(buffer.AsSpan(first));
            length = entry.Length;
            next = entry.Next;
            return true;
        }
    }

    private readonly record struct Entry(WalPosition Start, WalPosition Next, long Offset, int Length);
}
