using System.Buffers.Binary;
using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using AlloyOrleans.Grains.Abstractions;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.RemoteWrite.Wal;

/// <summary>
/// The write-ahead log of a prometheus.remote_write component: every appended batch is written (and flushed to the
/// operating system) before <see cref="AppendAsync"/> completes, so a dead receiver or a killed process loses nothing.
/// Each endpoint queue reads it with its own <see cref="WalReader"/> and keeps its own durable "sent up to" position.
/// </summary>
/// <remarks>
/// Files: numbered segments (<c>00000001</c>, …) of records <c>[u32 length][u32 CRC-32 of payload][payload]</c>,
/// little-endian. A torn record at the end of the last segment (the process died mid-write) is cut off on open.
/// Recently appended records are also kept in memory, so readers that keep up never read the disk.
/// </remarks>
public sealed partial class WriteAheadLog : IAsyncDisposable
{
    internal const int HeaderSize = 8;
    private const int MaxRecordBytes = 256 * 1024 * 1024;
    private const int RecentRecordLimit = 4096;
    private const int RecentSampleLimit = 200_000;

    private readonly string _directory;
    private readonly long _segmentBytes;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Lock _stateLock = new();
    private readonly Dictionary<WalPosition, WalRecord> _recent = [];
    private readonly Queue<WalRecord> _recentOrder = new();
    private readonly Dictionary<int, long> _deletedLengths = [];
    private int _recentSamples;
    private FileStream _segment;
    private int _segmentIndex;
    private WalPosition _head;
    private TaskCompletionSource _appended = NewSignal();
    private long _samplesAppended;
    private long _highestTimestampMs = long.MinValue;

    private WriteAheadLog(string directory, long segmentBytes, ILogger logger, int segmentIndex, FileStream segment)
    {
        _directory = directory;
        _segmentBytes = segmentBytes;
        _logger = logger;
        _segmentIndex = segmentIndex;
        _segment = segment;
        _head = new WalPosition(segmentIndex, segment.Length);
    }

    /// <summary>Opens (or creates) the log in <paramref name="directory"/>, cutting off a torn last record.</summary>
    public static WriteAheadLog Open(string directory, ILogger logger, long segmentBytes = 64L * 1024 * 1024)
    {
        System.IO.Directory.CreateDirectory(directory);
        var segments = ListSegments(directory);
        var index = segments.Count > 0 ? segments[^1] : 1;
        var path = SegmentPath(directory, index);
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var validEnd = ValidLength(stream);
        if (validEnd != stream.Length)
        {
            LogTornRecord(logger, path, stream.Length - validEnd);
            stream.SetLength(validEnd);
        }
        stream.Seek(0, SeekOrigin.End);
        return new WriteAheadLog(directory, segmentBytes, logger, index, stream);
    }

    public string Directory => _directory;

    /// <summary>Where the next record will start: the end of everything written so far.</summary>
    public WalPosition Head
    {
        get
        {
            lock (_stateLock)
            {
                return _head;
            }
        }
    }

    /// <summary>The first position that still exists on disk.</summary>
    public WalPosition Tail
    {
        get
        {
            var segments = ListSegments(_directory);
            return new WalPosition(segments.Count > 0 ? segments[0] : Head.Segment, 0);
        }
    }

    public long SamplesAppended => Interlocked.Read(ref _samplesAppended);

    /// <summary>The newest sample timestamp appended since start, or null before the first.</summary>
    public long? HighestTimestampMs
    {
        get
        {
            var value = Interlocked.Read(ref _highestTimestampMs);
            return value == long.MinValue ? null : value;
        }
    }

    /// <summary>Appends one batch; returns once it is written and flushed.</summary>
    public async ValueTask<WalRecord> AppendAsync(IReadOnlyList<Sample> samples, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + samples.Count * 64);
        buffer.Advance(HeaderSize);
        WalRecordCodec.Encode(samples, buffer);
        var record = MemoryMarshal.AsMemory(buffer.WrittenMemory);
        var span = record.Span;
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)(record.Length - HeaderSize));
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Crc32.HashToUInt32(span[HeaderSize..]));

        var highest = long.MinValue;
        foreach (var sample in samples)
        {
            highest = Math.Max(highest, sample.TimestampMs);
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        WalRecord appended;
        try
        {
            if (_segment.Length > 0 && _segment.Length + record.Length > _segmentBytes)
            {
                await RollSegmentAsync().ConfigureAwait(false);
            }
            var start = new WalPosition(_segmentIndex, _segment.Length);
            // Not cancellable: a half-written record would be cut off on the next open, but never leave one behind.
            await _segment.WriteAsync(record, CancellationToken.None).ConfigureAwait(false);
            await _segment.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            appended = new WalRecord(start, new WalPosition(_segmentIndex, _segment.Length), samples);
            TaskCompletionSource signal;
            lock (_stateLock)
            {
                _head = appended.Next;
                Remember(appended);
                signal = _appended;
                _appended = NewSignal();
            }
            signal.TrySetResult();
        }
        finally
        {
            _writeLock.Release();
        }
        Interlocked.Add(ref _samplesAppended, samples.Count);
        UpdateHighest(highest);
        return appended;
    }

    private void UpdateHighest(long timestampMs)
    {
        var current = Interlocked.Read(ref _highestTimestampMs);
        while (timestampMs > current)
        {
            var seen = Interlocked.CompareExchange(ref _highestTimestampMs, timestampMs, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    /// <summary>A reader positioned at <paramref name="from"/>; it never passes <see cref="Head"/>.</summary>
    public WalReader OpenReader(WalPosition from) => new(this, from);

    /// <summary>
    /// Deletes segments before the current one that everyone has read past (<paramref name="sentUpTo"/>) and that are
    /// older than <paramref name="minKeep"/>, and any segment older than <paramref name="maxKeep"/> even if unsent.
    /// Starts a new segment first when the current one holds sent data, so a quiet log still shrinks.
    /// Returns the unsent segments removed for age, with how many samples each held.
    /// </summary>
    public async Task<IReadOnlyList<(int Segment, long Samples)>> TruncateAsync(WalPosition sentUpTo, TimeSpan minKeep, TimeSpan maxKeep, DateTime utcNow, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_segment.Length > 0 && sentUpTo.Segment == _segmentIndex && sentUpTo.Offset > 0)
            {
                await RollSegmentAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock.Release();
        }
        var expired = new List<(int, long)>();
        foreach (var index in ListSegments(_directory))
        {
            if (index >= Head.Segment)
            {
                break;
            }
            var path = SegmentPath(_directory, index);
            var age = utcNow - File.GetLastWriteTimeUtc(path);
            var length = new FileInfo(path).Length;
            var sent = index < sentUpTo.Segment || (index == sentUpTo.Segment && sentUpTo.Offset >= length);
            if (sent ? age >= minKeep : age >= maxKeep)
            {
                if (!sent)
                {
                    expired.Add((index, CountSamples(path)));
                }
                lock (_stateLock)
                {
                    _deletedLengths[index] = length;
                    if (_deletedLengths.Count > RecentRecordLimit)
                    {
                        _deletedLengths.Remove(_deletedLengths.Keys.Min());
                    }
                }
                File.Delete(path);
                LogSegmentDeleted(_logger, path, sent);
            }
        }
        return expired;
    }

    /// <summary>The length a segment had when truncation deleted it, so readers at its end move on without alarm.</summary>
    internal bool TryGetDeletedLength(int segment, out long length)
    {
        lock (_stateLock)
        {
            return _deletedLengths.TryGetValue(segment, out length);
        }
    }

    /// <summary>Adds up the sample counts (each payload's first varint) of a segment's whole records.</summary>
    private static long CountSamples(string path)
    {
        using var handle = File.OpenHandle(path);
        var length = RandomAccess.GetLength(handle);
        Span<byte> header = stackalloc byte[HeaderSize + 10];
        long offset = 0, samples = 0;
        while (offset + HeaderSize < length)
        {
            var read = RandomAccess.Read(handle, header, offset);
            if (read <= HeaderSize)
            {
                break;
            }
            var payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(header);
            ulong count = 0;
            for (int i = HeaderSize, shift = 0; i < read && shift < 64; i++, shift += 7)
            {
                count |= (ulong)(header[i] & 0x7F) << shift;
                if (header[i] < 0x80)
                {
                    break;
                }
            }
            samples += (long)count;
            offset += HeaderSize + payloadLength;
        }
        return samples;
    }

    /// <summary>Completes when something is appended after <paramref name="position"/> (or at once if it already was).</summary>
    internal Task WaitForDataAsync(WalPosition position, CancellationToken cancellationToken)
    {
        lock (_stateLock)
        {
            return position < _head ? Task.CompletedTask : _appended.Task.WaitAsync(cancellationToken);
        }
    }

    internal bool TryGetRecent(WalPosition start, out WalRecord record)
    {
        lock (_stateLock)
        {
            return _recent.TryGetValue(start, out record!);
        }
    }

    internal static string SegmentPath(string directory, int index) =>
        Path.Combine(directory, index.ToString("D8", CultureInfo.InvariantCulture));

    internal static List<int> ListSegments(string directory)
    {
        var segments = new List<int>();
        foreach (var file in System.IO.Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(file);
            if (name.Length == 8 && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                segments.Add(index);
            }
        }
        segments.Sort();
        return segments;
    }

    private void Remember(WalRecord record)
    {
        _recent[record.Start] = record;
        _recentOrder.Enqueue(record);
        _recentSamples += record.Samples.Count;
        while (_recentOrder.Count > RecentRecordLimit || (_recentSamples > RecentSampleLimit && _recentOrder.Count > 1))
        {
            var old = _recentOrder.Dequeue();
            _recent.Remove(old.Start);
            _recentSamples -= old.Samples.Count;
        }
    }

    private async Task RollSegmentAsync()
    {
        _segment.Flush(flushToDisk: true);
        await _segment.DisposeAsync().ConfigureAwait(false);
        _segmentIndex++;
        _segment = new FileStream(SegmentPath(_directory, _segmentIndex), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        lock (_stateLock)
        {
            _head = new WalPosition(_segmentIndex, 0);
        }
    }

    /// <summary>The length of the prefix of whole records with matching checksums.</summary>
    private static long ValidLength(FileStream stream)
    {
        var header = new byte[HeaderSize];
        long offset = 0;
        var handle = stream.SafeFileHandle;
        var length = stream.Length;
        while (offset + HeaderSize <= length)
        {
            if (RandomAccess.Read(handle, header, offset) < HeaderSize)
            {
                break;
            }
            var payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(header);
            var checksum = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            if (payloadLength > MaxRecordBytes || offset + HeaderSize + payloadLength > length)
            {
                break;
            }
            var payload = ArrayPool<byte>.Shared.Rent((int)payloadLength);
            try
            {
                var read = RandomAccess.Read(handle, payload.AsSpan(0, (int)payloadLength), offset + HeaderSize);
                if (read < payloadLength || Crc32.HashToUInt32(payload.AsSpan(0, (int)payloadLength)) != checksum)
                {
                    break;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(payload);
            }
            offset += HeaderSize + payloadLength;
        }
        return offset;
    }

    internal static bool IsValidRecordLength(uint length) => length <= MaxRecordBytes;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _segment.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WAL segment {Path} ended in a torn record; cut off {Bytes} bytes")]
    private static partial void LogTornRecord(ILogger logger, string path, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted WAL segment {Path} (fully sent: {Sent})")]
    private static partial void LogSegmentDeleted(ILogger logger, string path, bool sent);
}
