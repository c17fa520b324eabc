using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.RemoteWrite.Wal;
using Snappier;

namespace AlloyOrleans.Grains.RemoteWrite.Queue;

/// <summary>
/// Encodes samples as a Prometheus remote write 1.0 <c>WriteRequest</c> and compresses it with snappy (block format).
/// </summary>
/// <remarks>
/// Hand-written over a reusable byte buffer instead of Google.Protobuf: generated messages allocate per sample and
/// label, and even <c>CodedOutputStream</c> used directly must compute every size (so every string's UTF-8 length)
/// before writing; tests/Benchmarks/RemoteWrite measures it at about 2.5 times our cost. The output is canonical proto3
/// (fields in number order, minimal varints, zero-valued scalars omitted), exactly what Google.Protobuf and
/// Prometheus' gogo code produce. Lengths are not computed in advance: room is reserved for the usual varint size
/// (1 byte for a label or a string, 2 for a series), the body written, and the body moved in the rare case its length
/// needs another size. One instance per sending shard; not thread-safe.
/// </remarks>
public sealed class WriteRequestEncoder
{
    // Field tags: (field number << 3) | wire type (2 = length-delimited, 1 = 64-bit, 0 = varint).
    private const byte TimeSeriesTag = 0x0A;      // WriteRequest.timeseries = 1
    private const byte LabelTag = 0x0A;           // TimeSeries.labels = 1
    private const byte SampleTag = 0x12;          // TimeSeries.samples = 2
    private const byte LabelNameTag = 0x0A;       // Label.name = 1
    private const byte LabelValueTag = 0x12;      // Label.value = 2
    private const byte SampleValueTag = 0x09;     // Sample.value = 1 (double)
    private const byte SampleTimestampTag = 0x10; // Sample.timestamp = 2 (int64)

    // Worst cases: a label's tag, length and two string headers (1 + 5 + 2 × 6); a sample (tag, length, 9 + 11 bytes).
    private const int LabelOverhead = 18;
    private const int SampleBytes = 22;

    private byte[] _buffer = new byte[64 * 1024];
    private byte[] _compressed = new byte[64 * 1024];
    private (string? Name, byte[] Utf8)[] _externalNames = [];

    /// <summary>
    /// Encodes <paramref name="samples"/> (consecutive samples of one series become one TimeSeries) with
    /// <paramref name="externalLabels"/> added to every series that lacks them. Returns the uncompressed protobuf;
    /// valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> Encode(ReadOnlySpan<Sample> samples, ReadOnlySpan<Label> externalLabels)
    {
        var externalBound = Bound(externalLabels);
        var position = 0;
        var i = 0;
        while (i < samples.Length)
        {
            var labels = samples[i].Labels;
            var run = 1;
            while (i + run < samples.Length && ReferenceEquals(samples[i + run].Labels, labels))
            {
                run++;
            }
            var samplesBytes = run * SampleBytes;
            var ids = labels.CompactIds;
            var compact = !ids.IsEmpty;
            // A compact set's labels make room for themselves as they are copied (their byte lengths are known).
            Ensure(position, 3 + externalBound + samplesBytes + (compact ? 0 : Bound(labels)));
            _buffer[position] = TimeSeriesTag;
            var bodyStart = position + 3; // two bytes reserved for the series length
            position = bodyStart;
            if (compact)
            {
                position = WriteCompactLabels(position, ids, externalLabels, externalBound + samplesBytes);
            }
            else if (externalLabels.IsEmpty)
            {
                foreach (var label in labels)
                {
                    WriteLabel(_buffer, ref position, label);
                }
            }
            else
            {
                WriteMergedLabels(_buffer, ref position, labels, externalLabels);
            }
            var buffer = _buffer;
            for (var end = i + run; i < end; i++)
            {
                WriteSample(buffer, ref position, samples[i].TimestampMs, samples[i].Value);
            }
            position = FinishSeries(bodyStart, position);
        }
        return _buffer.AsSpan(0, position);
    }

    /// <summary>Encodes and snappy-compresses; the result is valid until the next call.</summary>
    public ReadOnlyMemory<byte> EncodeCompressed(ReadOnlySpan<Sample> samples, ReadOnlySpan<Label> externalLabels)
    {
        var raw = Encode(samples, externalLabels);
        var max = Snappy.GetMaxCompressedLength(raw.Length);
        if (_compressed.Length < max)
        {
            _compressed = new byte[Math.Max(max, _compressed.Length * 2)];
        }
        var length = Snappy.Compress(raw, _compressed);
        return _compressed.AsMemory(0, length);
    }

    /// <summary>
    /// Both inputs are sorted by name; merging keeps the output sorted. The series' own label wins a clash, as in
    /// Prometheus.
    /// </summary>
    private static void WriteMergedLabels(byte[] buffer, ref int position, LabelSet series, ReadOnlySpan<Label> external)
    {
        int s = 0, e = 0, count = series.Count;
        while (s < count || e < external.Length)
        {
            Label label;
            if (e == external.Length)
            {
                label = series[s++];
            }
            else if (s == count)
            {
                label = external[e++];
            }
            else
            {
                var cmp = CompareNames(series[s].Name, external[e].Name);
                if (cmp <= 0)
                {
                    label = series[s++];
                    if (cmp == 0)
                    {
                        e++;
                    }
                }
                else
                {
                    label = external[e++];
                }
            }
            WriteLabel(buffer, ref position, label);
        }
    }

    /// <summary>
    /// A compact set's labels (<paramref name="ids"/>: name and value in turn), merged with the external ones as
    /// <see cref="WriteMergedLabels"/> does, from the UTF-8 bytes the shared strings keep: no transcoding and no bound
    /// pass, since the lengths are known before writing. Keeps room for <paramref name="reserve"/> more bytes after each
    /// label. Returns the new position.
    /// </summary>
    private int WriteCompactLabels(int position, ReadOnlySpan<ushort> ids, ReadOnlySpan<Label> external, int reserve)
    {
        var e = 0;
        for (var k = 0; k < ids.Length; k += 2)
        {
            var name = LabelStrings.Utf8(ids[k]);
            var cmp = -1;
            while (e < external.Length && (cmp = CompareNames(name, ids[k], e, external[e].Name)) > 0)
            {
                WriteLabel(_buffer, ref position, external[e++]);
            }
            if (cmp == 0)
            {
                e++; // the series' own label wins
            }
            if (IsInternal(name))
            {
                continue;
            }
            var value = LabelStrings.Utf8(ids[k + 1]);
            if (value.Length == 0)
            {
                continue;
            }
            var body = 2 + VarintSize((uint)name.Length) + name.Length + VarintSize((uint)value.Length) + value.Length;
            Ensure(position, 6 + body + reserve);
            var buffer = _buffer;
            buffer[position++] = LabelTag;
            WriteVarint(buffer, ref position, (uint)body);
            position = WriteBytes(buffer, position, LabelNameTag, name);
            position = WriteBytes(buffer, position, LabelValueTag, value);
        }
        while (e < external.Length)
        {
            WriteLabel(_buffer, ref position, external[e++]);
        }
        return position;
    }

    /// <summary>
    /// Ordinal (UTF-16) order of a shared name, given as UTF-8, and the external label name at <paramref name="e"/>.
    /// Bytes order ASCII as chars do; where the first difference is not ASCII the strings decide.
    /// </summary>
    private int CompareNames(ReadOnlySpan<byte> name, ushort nameId, int e, string externalName)
    {
        var other = ExternalName(e, externalName);
        if (name.Length > 0 && other.Length > 0 && name[0] != other[0] && (name[0] | other[0]) < 0x80)
        {
            return name[0] - other[0]; // the usual case, settled without a call
        }
        var common = name.CommonPrefixLength(other);
        if (common == name.Length || common == other.Length)
        {
            return name.Length - other.Length;
        }
        return name[common] < 0x80 && other[common] < 0x80
            ? name[common] - other[common]
            : string.CompareOrdinal(LabelStrings.Get(nameId), externalName);
    }

    /// <summary>The UTF-8 bytes of external label name <paramref name="e"/>, encoded once per distinct name string.</summary>
    private ReadOnlySpan<byte> ExternalName(int e, string name)
    {
        if (e >= _externalNames.Length)
        {
            Array.Resize(ref _externalNames, e + 1);
        }
        ref var cached = ref _externalNames[e];
        if (!ReferenceEquals(cached.Name, name))
        {
            cached = (name, Encoding.UTF8.GetBytes(name));
        }
        return cached.Utf8;
    }

    private static int WriteBytes(byte[] buffer, int position, byte tag, ReadOnlySpan<byte> bytes)
    {
        buffer[position++] = tag;
        WriteVarint(buffer, ref position, (uint)bytes.Length);
        bytes.CopyTo(buffer.AsSpan(position));
        return position + bytes.Length;
    }

    /// <summary>Ordinal comparison that settles the usual case, different first characters, without a call.</summary>
    private static int CompareNames(string a, string b) =>
        a.Length > 0 && b.Length > 0 && a[0] != b[0] ? a[0] - b[0] : string.CompareOrdinal(a, b);

    /// <summary>Writes one label; internal labels (__address__, __meta_*, …) never leave, but __name__ does.</summary>
    /// <summary>Internal labels (<c>__</c>-prefixed, other than <c>__name__</c>) never leave: in either form of a name.</summary>
    private static bool IsInternal(string name) => name.Length > 2 && name[0] == '_' && name[1] == '_' && name != "__name__";

    /// <inheritdoc cref="IsInternal(string)"/>
    private static bool IsInternal(ReadOnlySpan<byte> name) =>
        name.Length > 2 && name[0] == '_' && name[1] == '_' && !name.SequenceEqual("__name__"u8);

    private static void WriteLabel(byte[] buffer, ref int position, Label label)
    {
        var name = label.Name;
        if (label.Value.Length == 0 || IsInternal(name))
        {
            return;
        }
        buffer[position] = LabelTag;
        var lengthAt = position + 1;
        position += 2;
        WriteString(buffer, ref position, LabelNameTag, name);
        WriteString(buffer, ref position, LabelValueTag, label.Value);
        var length = position - lengthAt - 1;
        if (length < 0x80)
        {
            buffer[lengthAt] = (byte)length;
        }
        else
        {
            position = MoveBody(buffer, lengthAt, 1, position);
        }
    }

    private static void WriteString(byte[] buffer, ref int position, byte tag, string value)
    {
        buffer[position] = tag;
        var lengthAt = position + 1;
        int written;
        if (value.Length < 0x80 && TryNarrowAscii(value, buffer, lengthAt + 1))
        {
            // Label names and values are nearly always short ASCII: narrowing the chars is the whole UTF-8 encoding.
            buffer[lengthAt] = (byte)value.Length;
            position = lengthAt + 1 + value.Length;
            return;
        }
        written = Encoding.UTF8.GetBytes(value, buffer.AsSpan(lengthAt + 1));
        position = lengthAt + 1 + written;
        if (written < 0x80)
        {
            buffer[lengthAt] = (byte)written;
        }
        else
        {
            position = MoveBody(buffer, lengthAt, 1, position);
        }
    }

    /// <summary>
    /// Writes <paramref name="value"/> as ASCII at <paramref name="at"/> if it is ASCII (false otherwise, with some
    /// bytes written). Inlined vector narrowing: for the 3–60 character strings of labels, calling
    /// <see cref="Ascii.FromUtf16(ReadOnlySpan{char}, Span{byte}, out int)"/> costs more than the narrowing itself.
    /// The caller guarantees room for <c>value.Length</c> bytes.
    /// </summary>
    private static bool TryNarrowAscii(string value, byte[] buffer, int at)
    {
        var length = value.Length;
        ref var source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(value.AsSpan()));
        ref var destination = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffer), at);
        var i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var nonAscii = Vector128.Create((ushort)0xFF80);
            for (; i + 16 <= length; i += 16)
            {
                var low = Vector128.LoadUnsafe(ref source, (nuint)i);
                var high = Vector128.LoadUnsafe(ref source, (nuint)(i + 8));
                if (((low | high) & nonAscii) != Vector128<ushort>.Zero)
                {
                    return false;
                }
                Vector128.Narrow(low, high).StoreUnsafe(ref destination, (nuint)i);
            }
            if (i + 8 <= length)
            {
                var chars = Vector128.LoadUnsafe(ref source, (nuint)i);
                if ((chars & nonAscii) != Vector128<ushort>.Zero)
                {
                    return false;
                }
                Vector128.Narrow(chars, chars).GetLower().StoreUnsafe(ref destination, (nuint)i);
                i += 8;
            }
        }
        for (; i < length; i++)
        {
            var c = Unsafe.Add(ref source, i);
            if (c >= 0x80)
            {
                return false;
            }
            Unsafe.Add(ref destination, i) = (byte)c;
        }
        return true;
    }

    private static void WriteSample(byte[] buffer, ref int position, long timestampMs, double value)
    {
        buffer[position] = SampleTag;
        var lengthAt = position + 1;
        position += 2;
        var bits = BitConverter.DoubleToInt64Bits(value);
        if (bits != 0)
        {
            buffer[position] = SampleValueTag;
            BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(position + 1), bits);
            position += 9;
        }
        if (timestampMs != 0)
        {
            buffer[position++] = SampleTimestampTag;
            WriteVarint(buffer, ref position, (ulong)timestampMs);
        }
        buffer[lengthAt] = (byte)(position - lengthAt - 1); // at most 20 bytes
    }

    /// <summary>Writes the length of a series whose body starts after two reserved bytes; returns the new end.</summary>
    private int FinishSeries(int bodyStart, int end)
    {
        var length = end - bodyStart;
        if (length is >= 0x80 and < 0x4000)
        {
            _buffer[bodyStart - 2] = (byte)(length | 0x80);
            _buffer[bodyStart - 1] = (byte)(length >> 7);
            return end;
        }
        return MoveBody(_buffer, bodyStart - 2, 2, end);
    }

    /// <summary>
    /// Writes the varint length of the body that follows <paramref name="reserved"/> bytes at <paramref name="lengthAt"/>,
    /// moving the body when the varint needs a different number of bytes. Returns the new end.
    /// </summary>
    private static int MoveBody(byte[] buffer, int lengthAt, int reserved, int end)
    {
        var bodyStart = lengthAt + reserved;
        var length = end - bodyStart;
        var size = VarintSize((uint)length);
        Buffer.BlockCopy(buffer, bodyStart, buffer, lengthAt + size, length);
        var position = lengthAt;
        WriteVarint(buffer, ref position, (uint)length);
        return position + length;
    }

    private static void WriteVarint(byte[] buffer, ref int position, ulong value)
    {
        while (value >= 0x80)
        {
            buffer[position++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[position++] = (byte)value;
    }

    private static int VarintSize(uint value) =>
        value < 1u << 7 ? 1 : value < 1u << 14 ? 2 : value < 1u << 21 ? 3 : value < 1u << 28 ? 4 : 5;

    /// <summary>The most bytes these labels can take (UTF-8 is at most 3 bytes per UTF-16 char).</summary>
    private static int Bound(LabelSet labels)
    {
        var chars = 0;
        foreach (var label in labels)
        {
            chars += label.Name.Length + label.Value.Length;
        }
        return chars * 3 + labels.Count * LabelOverhead;
    }

    /// <inheritdoc cref="Bound(LabelSet)"/>
    private static int Bound(ReadOnlySpan<Label> labels)
    {
        var chars = 0;
        foreach (var label in labels)
        {
            chars += label.Name.Length + label.Value.Length;
        }
        return chars * 3 + labels.Length * LabelOverhead;
    }

    private void Ensure(int position, int bytes)
    {
        // Moving a body never grows it by more than the 3 spare varint bytes per length, which the overheads include.
        if (position + bytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, position + bytes));
        }
    }
}
