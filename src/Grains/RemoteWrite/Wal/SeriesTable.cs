using System.Buffers;
using System.Runtime.InteropServices;
using AlloyOrleans.Grains.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace AlloyOrleans.Grains.RemoteWrite.Wal;

/// <summary>
/// The WAL's series: each label set gets a numeric id the first time it is appended, and its definition (id and
/// labels) is written once to the <c>series</c> file, before the first sample record that uses the id. Sample records
/// then carry ids only — the Prometheus agent's layout, where series records come once and samples reference them.
/// </summary>
/// <remarks>
/// Not thread-safe for writers: the WAL calls <see cref="Assign"/>, <see cref="WriteNewAsync"/> and <see cref="Compact"/>
/// under its write lock. Readers call <see cref="Resolve"/> for ids of records already published, whose definitions
/// were stored (in memory and in the file) before the record was written.
/// <para>The file only grows while series come and go; <see cref="Compact"/> rewrites it with the live series once the
/// dead ones (last used in a segment that has been deleted) outnumber them, so rewriting costs at most one definition
/// per definition appended.</para>
/// </remarks>
internal sealed partial class SeriesTable : IDisposable
{
    public const string FileName = "series";

    private readonly string _path;
    private readonly SegmentFiles _files;
    private readonly SeriesIdIndex _ids;
    private readonly List<(uint Id, LabelSet Labels)> _new = [];
    private readonly ChunkedArray<LabelSet?> _byId = new(1);
    private readonly ChunkedArray<int> _lastSegment = new(1);
    private uint _nextId = 1;
    private int _dead;
    private SafeFileHandle _file;
    private long _length;

    private SeriesTable(string path, SegmentFiles files, SafeFileHandle file)
    {
        _path = path;
        _files = files;
        _file = file;
        _ids = new SeriesIdIndex(Resolve);
    }

    /// <summary>Loads the definitions of <paramref name="directory"/>, cutting off a torn last one.</summary>
    public static SeriesTable Open(string directory, SegmentFiles files, int currentSegment, ILogger logger)
    {
        var path = Path.Combine(directory, FileName);
        var table = new SeriesTable(path, files, files.OpenForAppend(path, createNew: false));
        var end = RandomAccess.GetLength(table._file);
        var buffer = new byte[64 * 1024];
        long offset = 0;
        while (WalRecordFrame.Read(table._file, offset, end, ref buffer, out var length) == FrameStatus.Record)
        {
            WalRecordCodec.DecodeSeries(buffer.AsSpan(0, length), (id, labels) => table.Define(id, labels, currentSegment));
            offset += WalRecordFrame.HeaderSize + length;
        }
        if (offset != end)
        {
            LogTornDefinition(logger, path, end - offset);
            files.SetLength(table._file, offset);
        }
        table._length = offset;
        return table;
    }

    /// <summary>How many series are known (live and not yet compacted away).</summary>
    public int Count => _ids.Count;

    /// <summary>The id of <paramref name="labels"/>, new ones queued for <see cref="WriteNewAsync"/>; marks it used in <paramref name="segment"/>.</summary>
    public uint Assign(LabelSet labels, int segment)
    {
        // The id this table gave this very instance (the scraper's series cache hands the same one every scrape): no
        // hashing. A defined id names exactly the instance it was assigned to or adopted below.
        var id = labels.SeriesRef;
        if (id == 0 || id >= _byId.Length || !ReferenceEquals(_byId[id], labels))
        {
            id = Lookup(labels, segment);
            labels.SeriesRef = id;
        }
        _lastSegment[id] = segment;
        return id;
    }

    private uint Lookup(LabelSet labels, int segment)
    {
        if (_ids.TryGet(labels, out var id))
        {
            // Maybe another instance with the same labels (loaded from the file at start, or from before the scrape
            // cache was reset): adopt this one, so its next lookup is a hit and the old instance can be collected.
            _byId[id] = labels;
            return id;
        }
        id = _nextId;
        Define(id, labels, segment);
        _new.Add((id, labels));
        return id;
    }

    /// <summary>Writes the definitions assigned since the last call; on failure forgets them, so they are written again.</summary>
    public async ValueTask WriteNewAsync()
    {
        if (_new.Count == 0)
        {
            return;
        }
        var record = Frame(CollectionsMarshal.AsSpan(_new));
        try
        {
            await _files.WriteAsync(_file, record, _length).ConfigureAwait(false);
            _length += record.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                _files.SetLength(_file, _length);
            }
            catch (Exception cut) when (cut is IOException or UnauthorizedAccessException)
            {
                // A torn definition at the end is cut off on the next open; the ones after it are rewritten below.
            }
            foreach (var (id, labels) in _new)
            {
                _ids.Remove(id, labels.GetHashCode());
                _byId[id] = null;
            }
            throw;
        }
        finally
        {
            _new.Clear();
        }
    }

    /// <summary>The labels of a series id, or null for an id that is not (or no longer) defined.</summary>
    public LabelSet? Resolve(uint id)
    {
        return _byId.GetOrDefault(id);
    }

    /// <summary>
    /// Forgets series last used before <paramref name="oldestSegment"/> (their samples are gone with the deleted
    /// segments) and, once they outnumber the live ones, rewrites the file with the live ones only.
    /// </summary>
    public void Compact(int oldestSegment)
    {
        var live = new List<(uint, LabelSet)>(_ids.Count);
        for (var id = 1u; id < _nextId; id++)
        {
            if (_byId[id] is not { } labels)
            {
                continue;
            }
            if (_lastSegment[id] < oldestSegment)
            {
                _ids.Remove(id, labels.GetHashCode());
                _byId[id] = null;
                _dead++;
            }
            else
            {
                live.Add((id, labels));
            }
        }
        if (_dead <= _ids.Count)
        {
            return;
        }
        var record = Frame(CollectionsMarshal.AsSpan(live));
        // Write aside and rename over: a crash leaves the old file or the new one, never half of one.
        var temporary = _path + ".tmp";
        using (var file = _files.OpenForAppend(temporary, createNew: false))
        {
            _files.SetLength(file, 0);
            RandomAccess.Write(file, record.Span, 0);
            RandomAccess.FlushToDisk(file);
        }
        File.Move(temporary, _path, overwrite: true);
        _file.Dispose();
        _file = _files.OpenForAppend(_path, createNew: false);
        _length = record.Length;
        _dead = 0;
    }

    /// <summary>One framed series record holding <paramref name="series"/>.</summary>
    private static ReadOnlyMemory<byte> Frame(ReadOnlySpan<(uint Id, LabelSet Labels)> series)
    {
        var buffer = new ArrayBufferWriter<byte>(WalRecordFrame.HeaderSize + series.Length * 96);
        buffer.Advance(WalRecordFrame.HeaderSize);
        WalRecordCodec.EncodeSeries(series, buffer);
        var record = MemoryMarshal.AsMemory(buffer.WrittenMemory);
        WalRecordFrame.Seal(record.Span);
        return record;
    }

    private void Define(uint id, LabelSet labels, int segment)
    {
        // Room in both tables before the id is stored; readers of published ids never see it missing.
        _lastSegment.EnsureLength((long)id + 1);
        _byId.EnsureLength((long)id + 1);
        if (_ids.TryGet(labels, out var earlier))
        {
            // Defined twice (a definition whose write failed and was not cut off, then assigned again): the later id
            // is the one to give; records of the earlier one still resolve through _byId.
            _ids.Remove(earlier, labels.GetHashCode());
        }
        _byId[id] = labels;
        _ids.Add(labels, id);
        _lastSegment[id] = segment;
        _nextId = Math.Max(_nextId, id + 1);
    }

    public void Dispose() => _file.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "WAL series file {Path} ended in a torn definition; cut off {Bytes} bytes")]
    private static partial void LogTornDefinition(ILogger logger, string path, long bytes);
}
