using AlloyOrleans.Grains.Abstractions;
using Google.Protobuf;

namespace AlloyOrleans.Benchmarks.RemoteWrite;

/// <summary>
/// The alternative the issue names: the same WriteRequest written with Google.Protobuf's <see cref="CodedOutputStream"/>
/// (sizes computed first, as generated code does). Kept only to compare with our writer.
/// </summary>
internal sealed class CodedOutputStreamEncoder
{
    private byte[] _buffer = new byte[1024 * 1024];

    public int Encode(ReadOnlySpan<Sample> samples)
    {
        var total = 0;
        foreach (var sample in samples)
        {
            var size = SeriesSize(sample);
            total += 1 + CodedOutputStream.ComputeLengthSize(size) + size;
        }
        if (_buffer.Length < total)
        {
            _buffer = new byte[total * 2];
        }
        var output = new CodedOutputStream(_buffer);
        foreach (var sample in samples)
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteLength(SeriesSize(sample));
            foreach (var label in sample.Labels.AsSpan())
            {
                output.WriteTag(1, WireFormat.WireType.LengthDelimited);
                output.WriteLength(LabelSize(label));
                output.WriteTag(1, WireFormat.WireType.LengthDelimited);
                output.WriteString(label.Name);
                output.WriteTag(2, WireFormat.WireType.LengthDelimited);
                output.WriteString(label.Value);
            }
            output.WriteTag(2, WireFormat.WireType.LengthDelimited);
            output.WriteLength(SampleSize(sample));
            if (sample.Value != 0)
            {
                output.WriteTag(1, WireFormat.WireType.Fixed64);
                output.WriteDouble(sample.Value);
            }
            if (sample.TimestampMs != 0)
            {
                output.WriteTag(2, WireFormat.WireType.Varint);
                output.WriteInt64(sample.TimestampMs);
            }
        }
        output.Flush();
        return (int)output.Position;
    }

    private static int SeriesSize(Sample sample)
    {
        var size = 0;
        foreach (var label in sample.Labels.AsSpan())
        {
            var labelSize = LabelSize(label);
            size += 1 + CodedOutputStream.ComputeLengthSize(labelSize) + labelSize;
        }
        var sampleSize = SampleSize(sample);
        return size + 1 + CodedOutputStream.ComputeLengthSize(sampleSize) + sampleSize;
    }

    private static int LabelSize(Label label) =>
        2 + CodedOutputStream.ComputeStringSize(label.Name) + CodedOutputStream.ComputeStringSize(label.Value);

    private static int SampleSize(Sample sample) =>
        (sample.Value != 0 ? 9 : 0) + (sample.TimestampMs != 0 ? 1 + CodedOutputStream.ComputeInt64Size(sample.TimestampMs) : 0);
}
