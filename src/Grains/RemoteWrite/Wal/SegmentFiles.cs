using Microsoft.Win32.SafeHandles;

namespace AlloyOrleans.Grains.RemoteWrite.Wal;

/// <summary>
/// The file operations of the WAL, in one place so that tests can script the failures a real disk produces (a full
/// disk in the middle of a record, a read error) without needing one.
/// </summary>
internal class SegmentFiles
{
    public static readonly SegmentFiles Default = new();

    /// <summary>Opens a segment for appending; <paramref name="createNew"/> fails if it exists.</summary>
    public virtual SafeFileHandle OpenForAppend(string path, bool createNew) =>
        File.OpenHandle(path, createNew ? FileMode.CreateNew : FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);

    public virtual SafeFileHandle OpenForRead(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>
    /// A positioned write straight to the operating system (no user-space buffer to lose or to replay later). Done on
    /// the caller's thread: a record of a few kB goes to the page cache in microseconds, while RandomAccess.WriteAsync
    /// on a handle opened for synchronous I/O hands every write to another pool thread (a thread hop per scrape).
    /// </summary>
    public virtual ValueTask WriteAsync(SafeFileHandle file, ReadOnlyMemory<byte> bytes, long offset)
    {
        RandomAccess.Write(file, bytes.Span, offset);
        return ValueTask.CompletedTask;
    }

    public virtual void SetLength(SafeFileHandle file, long length) => RandomAccess.SetLength(file, length);
}
