using System.Buffers.Binary;
using System.IO.Hashing;
using AlloyOrleans.Grains.RemoteWrite.Wal;
using Microsoft.Win32.SafeHandles;

namespace AlloyOrleans.Grains.RemoteWrite.Queue;

/// <summary>
/// An endpoint's durable "sent up to" position in the WAL: 16 bytes (segment, offset, CRC-32) rewritten in place
/// after every advance. A 16-byte positioned write is not torn by a process dying; a bad checksum (a torn write on
/// power loss) reads as "no position", which replays from the oldest segment: duplicates, never loss.
/// </summary>
public sealed class SentPositionFile : IDisposable
{
    private const int Size = 16;
    private readonly SafeFileHandle _handle;
    private readonly byte[] _buffer = new byte[Size];

    private SentPositionFile(SafeFileHandle handle) => _handle = handle;

    public static SentPositionFile Open(string path, out WalPosition? position)
    {
        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var file = new SentPositionFile(handle);
        position = file.Read();
        return file;
    }

    private WalPosition? Read()
    {
        if (RandomAccess.Read(_handle, _buffer, 0) < Size)
        {
            return null;
        }
        if (Crc32.HashToUInt32(_buffer.AsSpan(0, 12)) != BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(12)))
        {
            return null;
        }
        return new WalPosition(BinaryPrimitives.ReadInt32LittleEndian(_buffer), BinaryPrimitives.ReadInt64LittleEndian(_buffer.AsSpan(4)));
    }

    /// <summary>Records <paramref name="position"/>; called by one tracker at a time.</summary>
    public void Write(WalPosition position)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer, position.Segment);
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(4), position.Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(12), Crc32.HashToUInt32(_buffer.AsSpan(0, 12)));
        RandomAccess.Write(_handle, _buffer, 0);
    }

    public void Dispose() => _handle.Dispose();
}
