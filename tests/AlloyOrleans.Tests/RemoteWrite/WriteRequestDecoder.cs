using AlloyOrleans.Grains.Abstractions;
using Google.Protobuf;
using Snappier;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>
/// An independent decoder of remote write 1.0 requests for tests: snappy block decompression with Snappier and
/// field-by-field parsing with Google.Protobuf's <see cref="CodedInputStream"/> (which accepts any valid encoding,
/// so it checks our writer rather than mirroring it).
/// </summary>
public static class WriteRequestDecoder
{
    public sealed record DecodedSeries(IReadOnlyList<Label> Labels, IReadOnlyList<(long TimestampMs, double Value)> Samples);

    public static IReadOnlyList<DecodedSeries> DecodeCompressed(ReadOnlySpan<byte> body) => Decode(Snappy.DecompressToArray(body));

    public static IReadOnlyList<DecodedSeries> Decode(byte[] protobuf)
    {
        var result = new List<DecodedSeries>();
        var input = new CodedInputStream(protobuf);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                result.Add(DecodeSeries(input.ReadBytes().ToByteArray()));
            }
            else
            {
                input.SkipLastField();
            }
        }
        return result;
    }

    private static DecodedSeries DecodeSeries(byte[] bytes)
    {
        var labels = new List<Label>();
        var samples = new List<(long, double)>();
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    labels.Add(DecodeLabel(input.ReadBytes().ToByteArray()));
                    break;
                case 2:
                    samples.Add(DecodeSample(input.ReadBytes().ToByteArray()));
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
        return new DecodedSeries(labels, samples);
    }

    private static Label DecodeLabel(byte[] bytes)
    {
        string name = "", value = "";
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: name = input.ReadString(); break;
                case 2: value = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }
        return new Label(name, value);
    }

    private static (long, double) DecodeSample(byte[] bytes)
    {
        long timestamp = 0;
        double value = 0;
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: value = input.ReadDouble(); break;
                case 2: timestamp = input.ReadInt64(); break;
                default: input.SkipLastField(); break;
            }
        }
        return (timestamp, value);
    }
}
