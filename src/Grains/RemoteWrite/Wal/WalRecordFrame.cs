using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace AlloyOrleans.Grains.RemoteWrite.Wal;

/// <summary>What is at a position of a segment file.</summary>
internal enum FrameStatus
{
    /// <summary>A whole record whose checksum matches.</summary>
    Record,

    /// <summary>Fewer bytes than a header, or a header whose payload runs past the end: the end, or a torn write.</summary>
    End,

    /// <summary>A header no writer produces (length 0 or too large) or a payload whose checksum does not match.</summary>
    Corrupt,
}

/// <summary>
/// The one owner of the WAL's record framing: <c>[u32 payload length][u32 CRC-32 of payload][payload]</c>,
/// little-endian. Every payload is at least one byte (the codec starts with a count), so a header of zeros — what a
/// file system leaves behind a crash in preallocated space — is corrupt, although CRC-32 of nothing is 0.
/// </summary>
internal static class WalRecordFrame
{
    public const int HeaderSize = 8;
    private const int MaxPayloadBytes = 256 * 1024 * 1024;

    /// <summary>Writes the header in front of <c>record[HeaderSize..]</c>, the payload.</summary>
    public static void Seal(Span<byte> record)
    {
        var payload = record[HeaderSize..];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32.HashToUInt32(payload));
    }

    /// <summary>
    /// Reads the record at <paramref name="offset"/> of a file whose valid bytes end at <paramref name="end"/>, into
    /// <paramref name="buffer"/> (grown when too small). On <see cref="FrameStatus.Record"/>, the payload is
    /// <c>buffer[..payloadLength]</c> and the next record starts at <c>offset + HeaderSize + payloadLength</c>.
    /// </summary>
    public static FrameStatus Read(SafeFileHandle file, long offset, long end, ref byte[] buffer, out int payloadLength)
    {
        payloadLength = 0;
        if (!TryReadHeader(file, offset, end, out var length, out var checksum, out var status))
        {
            return status;
        }
        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }
        var payload = buffer.AsSpan(0, length);
        if (RandomAccess.Read(file, payload, offset + HeaderSize) < length || Crc32.HashToUInt32(payload) != checksum)
        {
            return FrameStatus.Corrupt;
        }
        payloadLength = length;
        return FrameStatus.Record;
    }

    /// <summary>Reads and checks a header only (the payload is not verified); false with the status when there is no record.</summary>
    public static bool TryReadHeader(SafeFileHandle file, long offset, long end, out int payloadLength, out uint checksum, out FrameStatus status)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        payloadLength = 0;
        checksum = 0;
        if (offset + HeaderSize > end || RandomAccess.Read(file, header, offset) < HeaderSize)
        {
            status = FrameStatus.End;
            return false;
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        checksum = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (length == 0 || length > MaxPayloadBytes)
        {
            status = FrameStatus.Corrupt;
            return false;
        }
        if (offset + HeaderSize + length > end)
        {
            status = FrameStatus.End;
            return false;
        }
        payloadLength = (int)length;
        status = FrameStatus.Record;
        return true;
    }

    /// <summary>The length of a file's prefix of whole records with matching checksums.</summary>
    public static long ValidLength(SafeFileHandle file)
    {
        var end = RandomAccess.GetLength(file);
        var buffer = new byte[64 * 1024];
        long offset = 0;
        while (Read(file, offset, end, ref buffer, out var length) == FrameStatus.Record)
        {
            offset += HeaderSize + length;
        }
        return offset;
    }
}
