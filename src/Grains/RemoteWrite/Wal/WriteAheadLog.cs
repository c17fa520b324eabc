using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using AlloyOrleans.Grains.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace AlloyOrleans.Grains.RemoteWrite.Wal;

/// <summary>
/// The write-ahead log of a prometheus.remote_write component: every appended batch is written (and flushed to the
/// operating system) before <see cref="AppendAsync"/> completes, so a dead receiver or a killed process loses nothing.
/// Each endpoint queue reads it with its own <see cref="WalReader"/> and keeps its own durable "sent up to" position.
/// </summary>
/// <remarks>
/// Files: numbered segments (<c>00000001</c>, …) of sample records that name series by id, and the <c>series</c> file
/// of the ids' labels (<see cref="SeriesTable"/>), all framed by <see cref="WalRecordFrame"/> and encoded by
/// <see cref="WalRecordCodec"/>. A series' labels are written once, before its first sample record. A torn record at the end of the last segment (the process died mid-write) is cut off on open.
/// Recently appended records are also kept in memory in their encoded form (<see cref="RecentRecords"/>), so readers
/// that keep up never read the disk, and the appender's sample list is never kept.
/// </remarks>
public sealed partial class WriteAheadLog : IAsyncDisposable
{
    private const int RecentRecordLimit = 4096;
    // ~4 B per sample: about 500k recent samples, two minutes of 1,000 targets at 5 s (it held 200k decoded before).
    private const int RecentBytes = 2 * 1024 * 1024;
    private const int InitialBufferBytes = 16 * 1024;
    private const int MaxKeptBufferBytes = 1024 * 1024;

    private readonly string _directory;
    private readonly long _configuredSegmentBytes;
    private long _segmentBytes;
    private long _maxBytes;
    private readonly ILogger _logger;
    private readonly SegmentFiles _files;
    private readonly SeriesTable _series;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Lock _stateLock = new();
    private readonly RecentRecords _recent = new(RecentBytes, RecentRecordLimit);
    private readonly Dictionary<int, long> _deletedLengths = [];
    private ArrayBufferWriter<byte> _buffer = new(InitialBufferBytes);
    private SafeFileHandle _segment;
    private long _segmentLength;
    private long _closedSegmentBytes;
    private int _segmentIndex;
    private bool _segmentDamaged;
    private WalPosition _head;
    private TaskCompletionSource _appended = NewSignal();
    private long _samplesAppended;
    private long _highestTimestampMs = long.MinValue;

    private WriteAheadLog(string directory, WalOptions options, ILogger logger, SegmentFiles files, SeriesTable series, int segmentIndex, SafeFileHandle segment, long length)
    {
        _series = series;
        _directory = directory;
        _configuredSegmentBytes = options.SegmentBytes;
        SetMaxDiskUsage(options.MaxDiskUsageBytes);
        _logger = logger;
        _files = files;
        _segmentIndex = segmentIndex;
        _segment = segment;
        _segmentLength = length;
        _head = new WalPosition(segmentIndex, length);
    }

    /// <summary>Opens (or creates) the log in <paramref name="directory"/>, cutting off a torn last record.</summary>
    public static WriteAheadLog Open(string directory, ILogger logger, long segmentBytes = 64L * 1024 * 1024) =>
        Open(directory, new WalOptions { SegmentBytes = segmentBytes }, logger, SegmentFiles.Default);

    internal static WriteAheadLog Open(string directory, WalOptions options, ILogger logger, SegmentFiles files)
    {
        System.IO.Directory.CreateDirectory(directory);
        var segments = ListSegments(directory);
        if (segments.Count > 0 && !File.Exists(Path.Combine(directory, SeriesTable.FileName)))
        {
            // Segments without a series file hold the earlier format (labels in every record): their ids would name
            // the wrong series, so they are set aside, never read as this format.
            foreach (var segment in segments)
            {
                File.Move(SegmentPath(directory, segment), SegmentPath(directory, segment) + ".v1");
            }
            LogEarlierFormat(logger, directory, segments.Count);
            segments = [];
        }
        var index = segments.Count > 0 ? segments[^1] : 1;
        var path = SegmentPath(directory, index);
        var handle = files.OpenForAppend(path, createNew: false);
        var length = RandomAccess.GetLength(handle);
        var validEnd = WalRecordFrame.ValidLength(handle);
        if (validEnd != length)
        {
            LogTornRecord(logger, path, length - validEnd);
            files.SetLength(handle, validEnd);
        }
        var series = SeriesTable.Open(directory, files, index, logger);
        return new WriteAheadLog(directory, options, logger, files, series, index, handle, validEnd)
        {
            _closedSegmentBytes = segments.Where(s => s != index).Sum(s => new FileInfo(SegmentPath(directory, s)).Length),
        };
    }

    /// <summary>
    /// Called (under the write lock) for every segment removed by the size bound, with how many samples it held, so
    /// the owner can count them as dropped for the endpoints that had not sent them.
    /// </summary>
    internal Action<int, long>? SegmentDropped { get; set; }

    internal SegmentFiles Files => _files;

    internal SeriesTable Series => _series;

    /// <summary>Sets the size bound (0: none); applied at the next append.</summary>
    internal void SetMaxDiskUsage(long bytes)
    {
        // At least four segments fit under the bound, so dropping the oldest frees a quarter at most.
        Volatile.Write(ref _segmentBytes, bytes > 0 ? Math.Min(_configuredSegmentBytes, Math.Max(1, bytes / 4)) : _configuredSegmentBytes);
        Volatile.Write(ref _maxBytes, bytes);
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

    /// <summary>
    /// Appends one batch; returns once it is written to the operating system (a killed process loses nothing). A
    /// failed write (a full disk) is cut off again before the exception surfaces, so later records stay readable.
    /// The log keeps no reference to <paramref name="samples"/>: the caller may reuse the list once this completes
    /// (the returned record's <see cref="WalRecord.Samples"/> is that same list).
    /// </summary>
    public async ValueTask<WalRecord> AppendAsync(IReadOnlyList<Sample> samples, CancellationToken cancellationToken)
    {
        var highest = long.MinValue;
        foreach (var sample in AsSpan(samples))
        {
            highest = Math.Max(highest, sample.TimestampMs);
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        WalRecord appended;
        var ids = ArrayPool<uint>.Shared.Rent(samples.Count);
        try
        {
            if (_segmentDamaged || (_segmentLength > 0 && _segmentLength > Volatile.Read(ref _segmentBytes)))
            {
                RollSegment();
            }
            var span = AsSpan(samples);
            for (var i = 0; i < span.Length; i++)
            {
                ids[i] = _series.Assign(span[i].Labels, _segmentIndex);
            }
            // New series are defined (written) before the first record that refers to them.
            await _series.WriteNewAsync().ConfigureAwait(false);
            _buffer.ResetWrittenCount();
            _buffer.Advance(WalRecordFrame.HeaderSize);
            WalRecordCodec.EncodeSamples(AsSpan(samples), ids.AsSpan(0, samples.Count), _buffer);
            var record = MemoryMarshal.AsMemory(_buffer.WrittenMemory);
            WalRecordFrame.Seal(record.Span);
            var start = new WalPosition(_segmentIndex, _segmentLength);
            await WriteOrRollBackAsync(record).ConfigureAwait(false);
            _segmentLength += record.Length;
            appended = new WalRecord(start, new WalPosition(_segmentIndex, _segmentLength), samples);
            _recent.Add(start, appended.Next, record.Span[WalRecordFrame.HeaderSize..]);
            TaskCompletionSource signal;
            lock (_stateLock)
            {
                _head = appended.Next;
                signal = _appended;
                _appended = NewSignal();
            }
            signal.TrySetResult();
            EnforceSizeBound();
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(ids);
            ShrinkBuffer();
            _writeLock.Release();
        }
        Interlocked.Add(ref _samplesAppended, samples.Count);
        UpdateHighest(highest);
        return appended;
    }

    /// <summary>The samples as a span: the scrapers hand over lists, read here without an interface call per sample.</summary>
    private static ReadOnlySpan<Sample> AsSpan(IReadOnlyList<Sample> samples) => samples switch
    {
        List<Sample> list => CollectionsMarshal.AsSpan(list),
        Sample[] array => array,
        _ => samples.ToArray(),
    };

    /// <summary>Keeps the reused record buffer from holding on to the largest scrape ever seen.</summary>
    private void ShrinkBuffer()
    {
        if (_buffer.Capacity > MaxKeptBufferBytes)
        {
            _buffer = new ArrayBufferWriter<byte>(InitialBufferBytes);
        }
    }

    /// <summary>Writes a record at the end of the segment; on failure cuts the segment back to where the record began.</summary>
    private async Task WriteOrRollBackAsync(ReadOnlyMemory<byte> record)
    {
        try
        {
            // Not cancellable: a cancelled write would leave half a record.
            await _files.WriteAsync(_segment, record, _segmentLength).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                _files.SetLength(_segment, _segmentLength);
            }
            catch (Exception cut) when (cut is IOException or UnauthorizedAccessException)
            {
                // The partial record stays behind: start a new segment before the next record, so that it is the
                // torn end of a finished segment and never followed by whole records in the same file.
                _segmentDamaged = true;
                LogRollBackFailed(_logger, SegmentPath(_directory, _segmentIndex), cut);
            }
            throw;
        }
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
        var expired = new List<(int, long)>();
        try
        {
            if (_segmentLength > 0 && sentUpTo.Segment == _segmentIndex && sentUpTo.Offset > 0)
            {
                RollSegment();
            }
            foreach (var index in ListSegments(_directory))
            {
                if (index >= _segmentIndex)
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
                    DeleteSegment(index, length);
                    LogSegmentDeleted(_logger, path, sent);
                }
            }
            CompactSeries();
        }
        finally
        {
            _writeLock.Release();
        }
        return expired;
    }

    /// <summary>The bytes on disk: every segment's length.</summary>
    public long DiskBytes => ListSegments(_directory).Sum(i => i == _segmentIndex ? _segmentLength : LengthOf(i));

    /// <summary>
    /// Past <c>max_disk_usage</c>, removes the oldest segments (never the one being written) until the log fits,
    /// reporting each to <see cref="SegmentDropped"/>: the newest data is the most useful after an outage.
    /// </summary>
    private void EnforceSizeBound()
    {
        var maxBytes = Volatile.Read(ref _maxBytes);
        if (maxBytes <= 0 || _closedSegmentBytes + _segmentLength <= maxBytes)
        {
            return; // the common case costs no file system call
        }
        var segments = ListSegments(_directory);
        var lengths = segments.ToDictionary(i => i, i => i == _segmentIndex ? _segmentLength : LengthOf(i));
        var total = lengths.Values.Sum();
        foreach (var index in segments)
        {
            if (total <= maxBytes || index >= _segmentIndex)
            {
                break;
            }
            var samples = CountSamples(SegmentPath(_directory, index));
            DeleteSegment(index, lengths[index]);
            total -= lengths[index];
            LogSegmentDroppedForSize(_logger, SegmentPath(_directory, index), samples, maxBytes);
            SegmentDropped?.Invoke(index, samples);
        }
        CompactSeries();
    }

    /// <summary>Forgets the series whose samples all went with deleted segments.</summary>
    private void CompactSeries()
    {
        var segments = ListSegments(_directory);
        _series.Compact(segments.Count > 0 ? segments[0] : _segmentIndex);
    }

    private long LengthOf(int segment)
    {
        try
        {
            return new FileInfo(SegmentPath(_directory, segment)).Length;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }

    private void DeleteSegment(int index, long length)
    {
        _closedSegmentBytes -= length;
        lock (_stateLock)
        {
            _deletedLengths[index] = length;
            if (_deletedLengths.Count > RecentRecordLimit)
            {
                _deletedLengths.Remove(_deletedLengths.Keys.Min());
            }
        }
        File.Delete(SegmentPath(_directory, index));
    }

    /// <summary>The length a segment had when truncation deleted it, so readers at its end move on without alarm.</summary>
    internal bool TryGetDeletedLength(int segment, out long length)
    {
        lock (_stateLock)
        {
            return _deletedLengths.TryGetValue(segment, out length);
        }
    }

    /// <summary>Adds up the sample counts of a segment's whole records (read from each payload's start only).</summary>
    private long CountSamples(string path)
    {
        using var handle = _files.OpenForRead(path);
        var end = RandomAccess.GetLength(handle);
        Span<byte> start = stackalloc byte[WalRecordCodec.CountPrefixBytes];
        long offset = 0, samples = 0;
        while (WalRecordFrame.TryReadHeader(handle, offset, end, out var payloadLength, out _, out _))
        {
            var read = RandomAccess.Read(handle, start[..Math.Min(start.Length, payloadLength)], offset + WalRecordFrame.HeaderSize);
            samples += WalRecordCodec.PeekSampleCount(start[..read]);
            offset += WalRecordFrame.HeaderSize + payloadLength;
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

    /// <summary>Copies the payload of a recent record starting at <paramref name="start"/>, if memory still holds it.</summary>
    internal bool TryCopyRecent(WalPosition start, ref byte[] payload, out int length, out WalPosition next) =>
        _recent.TryCopy(start, ref payload, out length, out next);

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

    /// <summary>Closes the current segment (synced to disk) and starts the next one.</summary>
    private void RollSegment()
    {
        var next = _files.OpenForAppend(SegmentPath(_directory, _segmentIndex + 1), createNew: true);
        RandomAccess.FlushToDisk(_segment);
        _segment.Dispose();
        _closedSegmentBytes += _segmentLength;
        _segment = next;
        _segmentIndex++;
        _segmentLength = 0;
        _segmentDamaged = false;
        lock (_stateLock)
        {
            _head = new WalPosition(_segmentIndex, 0);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _segment.Dispose();
            _series.Dispose();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WAL in {Directory}: {Count} segments of the earlier format (no series file) renamed to *.v1 and not sent")]
    private static partial void LogEarlierFormat(ILogger logger, string directory, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WAL segment {Path} ended in a torn record; cut off {Bytes} bytes")]
    private static partial void LogTornRecord(ILogger logger, string path, long bytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "A failed WAL write could not be cut off in {Path}; continuing in a new segment")]
    private static partial void LogRollBackFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleted WAL segment {Path} with {Samples} samples: the WAL is over max_disk_usage ({MaxBytes} bytes)")]
    private static partial void LogSegmentDroppedForSize(ILogger logger, string path, long samples, long maxBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted WAL segment {Path} (fully sent: {Sent})")]
    private static partial void LogSegmentDeleted(ILogger logger, string path, bool sent);
}
