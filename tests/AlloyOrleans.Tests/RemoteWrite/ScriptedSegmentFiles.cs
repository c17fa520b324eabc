using AlloyOrleans.Grains.RemoteWrite.Wal;
using Microsoft.Win32.SafeHandles;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>Real segment files with scripted failures: a disk that fills up in the middle of a write, a read that fails.</summary>
internal sealed class ScriptedSegmentFiles : SegmentFiles
{
    private int _writes;
    private int _reads;

    /// <summary>The write with this zero-based index writes half its bytes and then fails as a full disk does.</summary>
    public int FailingWrite { get; init; } = -1;

    /// <summary>This many opens of a segment for reading fail with an I/O error, then they work again.</summary>
    public int FailingReadOpens { get; init; }

    /// <summary>How many times a segment was opened for reading, failed or not.</summary>
    public int ReadOpens => Volatile.Read(ref _reads);

    public override async ValueTask WriteAsync(SafeFileHandle file, ReadOnlyMemory<byte> bytes, long offset)
    {
        if (Interlocked.Increment(ref _writes) - 1 == FailingWrite)
        {
            await base.WriteAsync(file, bytes[..(bytes.Length / 2)], offset);
            throw new IOException("No space left on device");
        }
        await base.WriteAsync(file, bytes, offset);
    }

    public override SafeFileHandle OpenForRead(string path)
    {
        if (Interlocked.Increment(ref _reads) <= FailingReadOpens)
        {
            throw new IOException("Input/output error");
        }
        return base.OpenForRead(path);
    }
}
