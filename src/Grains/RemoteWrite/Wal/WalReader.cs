using AlloyOrleans.Grains.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace AlloyOrleans.Grains.RemoteWrite.Wal;

/// <summary>
/// Reads records of a <see cref="WriteAheadLog"/> in order from a position, from memory when the record is recent and
/// from the segment files otherwise. Waits at the head for new records. One reader per endpoint queue.
/// </summary>
public sealed partial class WalReader : IDisposable
{
    private readonly WriteAheadLog _wal;
    private byte[] _payload = new byte[64 * 1024];
    private Sample[] _samples = new Sample[1024];
    private SafeFileHandle? _file;
    private int _fileSegment = -1;

    internal WalReader(WriteAheadLog wal, WalPosition from)
    {
        _wal = wal;
        Position = from;
    }

    /// <summary>Where the next record starts.</summary>
    public WalPosition Position { get; private set; }

    /// <summary>
    /// The next record, waiting for one to be appended if the reader is at the head. Its samples live in the reader's
    /// buffer, valid until the next read (the endpoint queue hands each one on before it reads again). A segment that vanished (removed
    /// for age) or holds a corrupt record is skipped to the next segment, and the skip is reported to <paramref name="logger"/>.
    /// </summary>
    public async ValueTask<WalRecord> ReadAsync(ILogger logger, CancellationToken cancellationToken)
    {
        while (true)
        {
            await _wal.WaitForDataAsync(Position, cancellationToken).ConfigureAwait(false);
            var record = _wal.TryCopyRecent(Position, ref _payload, out var length, out var next)
                ? Decode(logger, length, next)
                : ReadFromDisk(logger);
            if (record is not null)
            {
                Position = record.Next;
                return record;
            }
        }
    }

    private WalRecord? ReadFromDisk(ILogger logger)
    {
        var head = _wal.Head;
        if (Position >= head)
        {
            return null;
        }
        if (!OpenSegment(Position.Segment))
        {
            if (_wal.TryGetDeletedLength(Position.Segment, out var deletedLength) && Position.Offset >= deletedLength)
            {
                Position = NextSegmentStart(Position.Segment); // read to its end before it was deleted
            }
            else
            {
                SkipToNextSegment(logger, "the segment no longer exists");
            }
            return null;
        }
        var end = Position.Segment == head.Segment ? head.Offset : RandomAccess.GetLength(_file!);
        switch (WalRecordFrame.Read(_file!, Position.Offset, end, ref _payload, out var payloadLength))
        {
            case FrameStatus.End when Position.Offset == end:
                // The end of a finished segment: continue with the next one.
                Position = NextSegmentStart(Position.Segment);
                return null;
            case FrameStatus.End:
                SkipToNextSegment(logger, "the segment ends inside a record");
                return null;
            case FrameStatus.Corrupt:
                SkipToNextSegment(logger, "a record is corrupt");
                return null;
        }
        return Decode(logger, payloadLength, new WalPosition(Position.Segment, Position.Offset + WalRecordFrame.HeaderSize + payloadLength));
    }

    /// <summary>The record whose payload is in the buffer (from memory or from the segment), or null when it does not decode.</summary>
    private WalRecord? Decode(ILogger logger, int payloadLength, WalPosition next)
    {
        try
        {
            var count = WalRecordCodec.DecodeSamples(_payload.AsSpan(0, payloadLength), _wal.Series.Resolve, ref _samples, out var unknown);
            if (unknown > 0)
            {
                LogUnknownSeries(logger, Position.ToString(), unknown);
            }
            return new WalRecord(Position, next, new ArraySegment<Sample>(_samples, 0, count));
        }
        catch (InvalidDataException)
        {
            SkipToNextSegment(logger, "a record does not decode");
            return null;
        }
    }

    private bool OpenSegment(int segment)
    {
        if (_fileSegment == segment && _file is not null)
        {
            return true;
        }
        _file?.Dispose();
        _file = null;
        _fileSegment = segment;
        try
        {
            _file = _wal.Files.OpenForRead(WriteAheadLog.SegmentPath(_wal.Directory, segment));
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    private void SkipToNextSegment(ILogger logger, string reason)
    {
        var next = NextSegmentStart(Position.Segment);
        LogSkipped(logger, Position.ToString(), next.ToString(), reason);
        Position = next;
    }

    private WalPosition NextSegmentStart(int segment)
    {
        foreach (var index in WriteAheadLog.ListSegments(_wal.Directory))
        {
            if (index > segment)
            {
                return new WalPosition(index, 0);
            }
        }
        return _wal.Head;
    }

    public void Dispose() => _file?.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "WAL record at {Position}: {Count} samples of series the series file does not define are lost")]
    private static partial void LogUnknownSeries(ILogger logger, string position, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WAL reader skipped from {From} to {To}: {Reason}; samples in between are lost")]
    private static partial void LogSkipped(ILogger logger, string from, string to, string reason);
}
