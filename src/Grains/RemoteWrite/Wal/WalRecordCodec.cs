using System.Buffers.Binary;
using System.Buffers;
using System.Text;
using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.RemoteWrite.Wal;

/// <summary>
/// The payloads of WAL records. Both start with a varint count.
/// <list type="bullet">
/// <item>A sample record (segments): per sample a varint <c>zigzag(id − previous id) &lt;&lt; 2 | same-timestamp &lt;&lt; 1 | integer</c>;
/// unless same-timestamp, a zigzag varint <c>timestamp − previous timestamp</c> (the first against 0); then the value as
/// a zigzag varint when it is an integer below 2^53 (counters of bytes, packets, states) and as its 8 IEEE bytes
/// otherwise. A scrape's samples share a timestamp and come in the order their ids were given, so most samples cost
/// one byte plus their value.</item>
/// <item>A series record (the <c>series</c> file): per series a varint id, a varint label count, and each label as
/// varint-length-prefixed UTF-8 name and value.</item>
/// </list>
/// </summary>
public static class WalRecordCodec
{
    /// <summary>Enough leading payload bytes for <see cref="PeekSampleCount"/>.</summary>
    internal const int CountPrefixBytes = 10;

    private const double MaxExactInteger = 9007199254740992d; // 2^53

    /// <summary>The sample count a payload starts with, or 0 when <paramref name="payloadStart"/> holds no whole count.</summary>
    internal static long PeekSampleCount(ReadOnlySpan<byte> payloadStart)
    {
        var position = 0;
        try
        {
            return (long)ReadVarint(payloadStart, ref position);
        }
        catch (InvalidDataException)
        {
            return 0;
        }
    }

    /// <summary>Encodes samples whose series ids are <paramref name="ids"/> (same order) as a sample record.</summary>
    internal static void EncodeSamples(ReadOnlySpan<Sample> samples, ReadOnlySpan<uint> ids, ArrayBufferWriter<byte> output)
    {
        // One span for the whole record: a count and, per sample, at most three 10-byte varints or two and a double.
        var span = output.GetSpan(10 + samples.Length * 30);
        var at = WriteVarint(span, 0, (ulong)samples.Length);
        long previousId = 0, previousTimestamp = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            var sample = samples[i];
            var value = sample.Value;
            var integer = value is > -MaxExactInteger and < MaxExactInteger && Math.Floor(value) == value
                && BitConverter.DoubleToInt64Bits(value) != long.MinValue; // not -0
            var sameTimestamp = i > 0 && sample.TimestampMs == previousTimestamp;
            at = WriteVarint(span, at, (ZigZag(ids[i] - previousId) << 2) | (sameTimestamp ? 2UL : 0) | (integer ? 1UL : 0));
            if (!sameTimestamp)
            {
                at = WriteVarint(span, at, ZigZag(sample.TimestampMs - previousTimestamp));
            }
            if (integer)
            {
                at = WriteVarint(span, at, ZigZag((long)value));
            }
            else
            {
                BinaryPrimitives.WriteInt64LittleEndian(span[at..], BitConverter.DoubleToInt64Bits(value));
                at += 8;
            }
            previousId = ids[i];
            previousTimestamp = sample.TimestampMs;
        }
        output.Advance(at);
    }

    /// <summary>
    /// Decodes a sample record whose checksum matched into <paramref name="samples"/> (grown when too small), naming
    /// each sample's series through <paramref name="series"/>; returns how many it holds. Samples of ids it does not
    /// know are left out and counted in <paramref name="unknown"/>. Throws <see cref="InvalidDataException"/> if malformed.
    /// </summary>
    internal static int DecodeSamples(ReadOnlySpan<byte> payload, Func<uint, LabelSet?> series, ref Sample[] samples, out int unknown)
    {
        var position = 0;
        var count = checked((int)ReadVarint(payload, ref position));
        if (count > payload.Length)
        {
            throw new InvalidDataException("WAL record claims more samples than it has bytes.");
        }
        if (samples.Length < count)
        {
            samples = new Sample[Math.Max(count, samples.Length * 2)];
        }
        var kept = 0;
        long id = 0, timestamp = 0;
        for (var i = 0; i < count; i++)
        {
            var head = ReadVarint(payload, ref position);
            id += UnZigZag(head >> 2);
            if ((head & 2) == 0)
            {
                timestamp += UnZigZag(ReadVarint(payload, ref position));
            }
            double value;
            if ((head & 1) != 0)
            {
                value = UnZigZag(ReadVarint(payload, ref position));
            }
            else
            {
                if (position + 8 > payload.Length)
                {
                    throw new InvalidDataException("WAL record ends inside a value.");
                }
                value = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(payload[position..]));
                position += 8;
            }
            if (id is > 0 and <= uint.MaxValue && series((uint)id) is { } labels)
            {
                samples[kept++] = new Sample(labels, timestamp, value);
            }
        }
        unknown = count - kept;
        return kept;
    }

    /// <summary>Encodes series definitions as a series record.</summary>
    internal static void EncodeSeries(ReadOnlySpan<(uint Id, LabelSet Labels)> series, ArrayBufferWriter<byte> output)
    {
        WriteVarint(output, (ulong)series.Length);
        foreach (var (id, labels) in series)
        {
            WriteVarint(output, id);
            WriteVarint(output, (ulong)labels.Count);
            foreach (var label in labels)
            {
                WriteString(output, label.Name);
                WriteString(output, label.Value);
            }
        }
    }

    /// <summary>Decodes a series record whose checksum matched; throws <see cref="InvalidDataException"/> if malformed.</summary>
    internal static void DecodeSeries(ReadOnlySpan<byte> payload, Action<uint, LabelSet> define)
    {
        var position = 0;
        var count = checked((int)ReadVarint(payload, ref position));
        for (var i = 0; i < count; i++)
        {
            var id = checked((uint)ReadVarint(payload, ref position));
            var labelCount = checked((int)ReadVarint(payload, ref position));
            if (labelCount > payload.Length - position)
            {
                throw new InvalidDataException("WAL series record claims more labels than it has bytes.");
            }
            var array = new Label[labelCount];
            for (var l = 0; l < array.Length; l++)
            {
                // Names repeat across every series: share one string each.
                array[l] = new Label(string.Intern(ReadString(payload, ref position)), ReadString(payload, ref position));
            }
            define(id, LabelSet.FromSortedUnique(array));
        }
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    private static void WriteString(ArrayBufferWriter<byte> output, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteVarint(output, (ulong)length);
        output.Advance(Encoding.UTF8.GetBytes(value, output.GetSpan(length)));
    }

    private static string ReadString(ReadOnlySpan<byte> payload, ref int position)
    {
        var length = checked((int)ReadVarint(payload, ref position));
        if (length > payload.Length - position)
        {
            throw new InvalidDataException("WAL record ends inside a label.");
        }
        var value = Encoding.UTF8.GetString(payload.Slice(position, length));
        position += length;
        return value;
    }

    private static int WriteVarint(Span<byte> span, int at, ulong value)
    {
        while (value >= 0x80)
        {
            span[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[at++] = (byte)value;
        return at;
    }

    private static void WriteVarint(ArrayBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        output.Advance(i);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> payload, ref int position)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= payload.Length)
            {
                throw new InvalidDataException("WAL record ends inside a number.");
            }
            var b = payload[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
        throw new InvalidDataException("WAL record holds an over-long number.");
    }
}
