using System.Buffers.Binary;
using System.Buffers;
using System.Text;
using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.RemoteWrite.Wal;

/// <summary>
/// The payload of a WAL record: a batch of samples. Layout: varint sample count; per sample a varint
/// <c>labelCount + 1</c> (0 means "the same labels as the previous sample", so a series is written once per run),
/// each label as varint-length-prefixed UTF-8 name and value, then the timestamp and the value bits as 8 bytes each.
/// </summary>
public static class WalRecordCodec
{
    /// <summary>Enough leading payload bytes for <see cref="PeekSampleCount"/>.</summary>
    internal const int CountPrefixBytes = 10;

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

    public static void Encode(IReadOnlyList<Sample> samples, ArrayBufferWriter<byte> output)
    {
        WriteVarint(output, (ulong)samples.Count);
        LabelSet? previous = null;
        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            if (ReferenceEquals(sample.Labels, previous))
            {
                WriteVarint(output, 0);
            }
            else
            {
                var labels = sample.Labels.AsSpan();
                WriteVarint(output, (ulong)labels.Length + 1);
                foreach (var label in labels)
                {
                    WriteString(output, label.Name);
                    WriteString(output, label.Value);
                }
                previous = sample.Labels;
            }
            var span = output.GetSpan(16);
            BinaryPrimitives.WriteInt64LittleEndian(span, sample.TimestampMs);
            BinaryPrimitives.WriteInt64LittleEndian(span[8..], BitConverter.DoubleToInt64Bits(sample.Value));
            output.Advance(16);
        }
    }

    /// <summary>Decodes a payload whose checksum already matched; throws <see cref="InvalidDataException"/> if malformed.</summary>
    public static Sample[] Decode(ReadOnlySpan<byte> payload)
    {
        var position = 0;
        var count = checked((int)ReadVarint(payload, ref position));
        if (count > payload.Length)
        {
            throw new InvalidDataException("WAL record claims more samples than it has bytes.");
        }
        var samples = new Sample[count];
        LabelSet? previous = null;
        for (var i = 0; i < count; i++)
        {
            var labelCount = checked((int)ReadVarint(payload, ref position));
            LabelSet labels;
            if (labelCount == 0)
            {
                labels = previous ?? throw new InvalidDataException("WAL record repeats labels before any were written.");
            }
            else
            {
                var array = new Label[labelCount - 1];
                for (var l = 0; l < array.Length; l++)
                {
                    array[l] = new Label(ReadString(payload, ref position), ReadString(payload, ref position));
                }
                labels = LabelSet.FromSortedUnique(array);
                previous = labels;
            }
            if (position + 16 > payload.Length)
            {
                throw new InvalidDataException("WAL record ends inside a sample.");
            }
            var timestamp = BinaryPrimitives.ReadInt64LittleEndian(payload[position..]);
            var value = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(payload[(position + 8)..]));
            position += 16;
            samples[i] = new Sample(labels, timestamp, value);
        }
        return samples;
    }

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
