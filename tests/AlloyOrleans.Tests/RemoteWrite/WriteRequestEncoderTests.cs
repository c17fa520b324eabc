using Xunit;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.RemoteWrite;
using AlloyOrleans.Grains.RemoteWrite.Queue;
using AlloyOrleans.Grains.RemoteWrite.Wal;
using Snappier;

namespace AlloyOrleans.Tests.RemoteWrite;

public sealed class WriteRequestEncoderTests
{
    [Fact]
    public void A_fixed_request_matches_its_hand_derived_encoding_byte_for_byte()
    {
        var labels = LabelSet.From(("job", "a"), ("__name__", "up"));
        Sample[] samples = [new(labels, 1000, 1.0), new(labels, 2000, 0.0)];

        // Derived from the protobuf encoding rules (tag = field << 3 | wire type; LEN = 2, I64 = 1, VARINT = 0):
        byte[] expected =
        [
            0x0A, 0x2D,                                     // WriteRequest.timeseries (1, LEN), 45 bytes
            0x0A, 0x0E,                                     //   TimeSeries.labels (1, LEN), 14 bytes
            0x0A, 0x08, (byte)'_', (byte)'_', (byte)'n', (byte)'a', (byte)'m', (byte)'e', (byte)'_', (byte)'_', // name = "__name__"
            0x12, 0x02, (byte)'u', (byte)'p',               //     value = "up"
            0x0A, 0x08,                                     //   TimeSeries.labels, 8 bytes (sorted: "__name__" < "job")
            0x0A, 0x03, (byte)'j', (byte)'o', (byte)'b',    //     name = "job"
            0x12, 0x01, (byte)'a',                          //     value = "a"
            0x12, 0x0C,                                     //   TimeSeries.samples (2, LEN), 12 bytes
            0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F, // value (1, I64) = 1.0 (0x3FF0000000000000, little-endian)
            0x10, 0xE8, 0x07,                               //     timestamp (2, VARINT) = 1000 = 0b111_1101000 -> E8 07
            0x12, 0x03,                                     //   TimeSeries.samples, 3 bytes
            0x10, 0xD0, 0x0F,                               //     value 0.0 omitted (proto3 default); timestamp = 2000 -> D0 0F
        ];

        var encoder = new WriteRequestEncoder();
        Assert.Equal(expected, encoder.Encode(samples, []).ToArray());
        Assert.Equal(expected, Snappy.DecompressToArray(encoder.EncodeCompressed(samples, []).Span));
    }

    [Fact]
    public void Random_batches_round_trip_through_an_independent_decoder()
    {
        var random = new Random(42);
        Label[] external = [new("cluster", "eu-1"), new("env", "external"), new("zone", "z")];
        var encoder = new WriteRequestEncoder();
        for (var round = 0; round < 20; round++)
        {
            var samples = new List<Sample>();
            for (var s = 0; s < 50; s++)
            {
                var labels = RandomLabels(random);
                var runs = random.Next(1, 4);
                for (var r = 0; r < runs; r++)
                {
                    samples.Add(new Sample(labels, random.NextInt64(-5_000, long.MaxValue / 2) * (r + 1), RandomValue(random)));
                }
            }
            var decoded = WriteRequestDecoder.DecodeCompressed(encoder.EncodeCompressed(samples.ToArray(), external).Span);

            var expected = Group(samples);
            Assert.Equal(expected.Count, decoded.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                var (labels, points) = expected[i];
                Assert.Equal(ExpectedWireLabels(labels, external), decoded[i].Labels);
                Assert.Equal(points.Select(p => (p.TimestampMs, BitConverter.DoubleToInt64Bits(p.Value))),
                    decoded[i].Samples.Select(p => (p.TimestampMs, BitConverter.DoubleToInt64Bits(p.Value))));
                var names = decoded[i].Labels.Select(l => l.Name).ToList();
                Assert.Equal(names.Order(StringComparer.Ordinal), names);
                Assert.Equal(names.Distinct().Count(), names.Count);
                Assert.All(decoded[i].Labels, l => Assert.NotEmpty(l.Value));
            }
        }
    }

    [Fact]
    public void Values_of_every_length_with_a_non_ASCII_char_anywhere_round_trip()
    {
        var encoder = new WriteRequestEncoder();
        for (var length = 1; length <= 40; length++)
        {
            for (var at = -1; at < length; at++)
            {
                var chars = Enumerable.Range(0, length).Select(i => (char)('a' + i % 26)).ToArray();
                if (at >= 0)
                {
                    chars[at] = at % 2 == 0 ? 'é' : '\u0080';
                }
                var value = new string(chars);
                var labels = LabelSet.From(("__name__", "m"), ("v", value));
                var decoded = WriteRequestDecoder.DecodeCompressed(encoder.EncodeCompressed(new[] { new Sample(labels, 1, 1) }, []).Span);
                Assert.Equal(value, Assert.Single(decoded).Labels[1].Value);
            }
        }
    }

    [Fact]
    public void A_staleness_marker_keeps_its_exact_NaN_bits()
    {
        var labels = LabelSet.From(("__name__", "m"));
        var decoded = WriteRequestDecoder.DecodeCompressed(
            new WriteRequestEncoder().EncodeCompressed(new[] { new Sample(labels, 5, Sample.StaleNaN) }, []).Span);
        Assert.Equal(Sample.StaleNaNBits, (ulong)BitConverter.DoubleToInt64Bits(Assert.Single(Assert.Single(decoded).Samples).Value));
    }

    private static List<(LabelSet Labels, List<Sample> Points)> Group(List<Sample> samples)
    {
        var groups = new List<(LabelSet, List<Sample>)>();
        foreach (var sample in samples)
        {
            if (groups.Count > 0 && ReferenceEquals(groups[^1].Item1, sample.Labels))
            {
                groups[^1].Item2.Add(sample);
            }
            else
            {
                groups.Add((sample.Labels, [sample]));
            }
        }
        return groups;
    }

    /// <summary>What should be on the wire: series labels over external ones, without internal <c>__</c> labels.</summary>
    private static List<Label> ExpectedWireLabels(LabelSet labels, Label[] external)
    {
        var merged = external.ToDictionary(l => l.Name, l => l.Value, StringComparer.Ordinal);
        foreach (var label in labels)
        {
            merged[label.Name] = label.Value;
        }
        return merged.Where(kv => kv.Key == "__name__" || !kv.Key.StartsWith("__", StringComparison.Ordinal))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new Label(kv.Key, kv.Value))
            .ToList();
    }

    private static LabelSet RandomLabels(Random random)
    {
        var labels = new List<(string, string)> { ("__name__", "metric_" + random.Next(1000)) };
        var count = random.Next(0, 12);
        for (var i = 0; i < count; i++)
        {
            labels.Add(("l" + random.Next(30), RandomValueText(random)));
        }
        if (random.Next(4) == 0)
        {
            labels.Add(("__meta_internal", "dropped"));
        }
        if (random.Next(3) == 0)
        {
            labels.Add(("env", "series-wins"));
        }
        return LabelSet.From(labels.ToArray());
    }

    private static string RandomValueText(Random random) => random.Next(6) switch
    {
        0 => new string('x', random.Next(100, 20_000)), // long: multi-byte length varints and nested lengths
        1 => "ünïcødé-ラベル-" + random.Next(),
        _ => "v" + random.Next(),
    };

    private static double RandomValue(Random random) => random.Next(6) switch
    {
        0 => 0.0,
        1 => -0.0,
        2 => double.NaN,
        3 => double.PositiveInfinity,
        _ => random.NextDouble() * 1e9 - 5e8,
    };
}
