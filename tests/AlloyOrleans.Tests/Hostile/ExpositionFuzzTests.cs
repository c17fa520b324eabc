using System.Text;
using AlloyOrleans.Grains.Scrape.Exposition;
using AlloyOrleans.Tests.Scrape.Exposition;
using Xunit;

namespace AlloyOrleans.Tests.Hostile;

/// <summary>
/// Random and mutated expositions (seeded, so a failure reproduces): whatever a target sends, the only exception the
/// reader lets out is <see cref="ExpositionFormatException"/> (which fails that target's scrape and nothing else).
/// </summary>
public sealed class ExpositionFuzzTests
{
    /// <summary>Bytes that steer the grammar: the mutations insert these more often than random bytes.</summary>
    private static readonly byte[] Interesting = "{}=\",\\\n #_:.eE+-0123456789 \t\0\u00ff"u8.ToArray()
        .Concat(Encoding.UTF8.GetBytes("é")).ToArray();

    private static readonly string[] Fragments =
        ["# HELP ", "# TYPE ", "# UNIT ", "# EOF\n", " # {", "counter", "_total", "_bucket", "NaN", "+Inf", "{a=\"", "\"}", "\\\"", "\\n", "__name__"];

    public static TheoryData<ExpositionFormat> Formats() => new(ExpositionFormat.PrometheusText, ExpositionFormat.OpenMetrics);

    [Theory]
    [MemberData(nameof(Formats))]
    public void Mutated_expositions_fail_only_with_a_format_error(ExpositionFormat format)
    {
        var seeds = Seeds();
        var random = new Random(11);
        for (var i = 0; i < 4000; i++)
        {
            var body = Mutate(seeds[random.Next(seeds.Count)], random);
            AssertOnlyFormatErrors(body, format, $"mutation {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Random_bytes_fail_only_with_a_format_error(ExpositionFormat format)
    {
        var random = new Random(12);
        for (var i = 0; i < 2000; i++)
        {
            var body = new byte[random.Next(1, 200)];
            for (var j = 0; j < body.Length; j++)
            {
                body[j] = random.Next(3) == 0 ? (byte)random.Next(256) : Interesting[random.Next(Interesting.Length)];
            }
            AssertOnlyFormatErrors(body, format, $"random {i}");
        }
    }

    private static void AssertOnlyFormatErrors(byte[] body, ExpositionFormat format, string what)
    {
        try
        {
            ExpositionParse.ReadAll(body, format);
        }
        catch (ExpositionFormatException)
        {
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name} escaped the reader for {Convert.ToBase64String(body)}: {e}");
        }
    }

    private static List<byte[]> Seeds()
    {
        var seeds = ExpositionCases.All.Select(c => c.Body).Where(b => b.Length > 0).ToList();
        var nodeExporter = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Data", "Exposition", "node_exporter_1.5.prom"));
        for (var offset = 0; offset + 2048 <= nodeExporter.Length && seeds.Count < ExpositionCases.All.Length + 20; offset += 8192)
        {
            seeds.Add(nodeExporter[offset..(offset + 2048)]);
        }
        return seeds;
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        var steps = random.Next(1, 5);
        for (var s = 0; s < steps; s++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 1:
                    bytes.Insert(at, random.Next(4) == 0 ? (byte)random.Next(256) : Interesting[random.Next(Interesting.Length)]);
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 16), bytes.Count - at));
                    break;
                case 3 when bytes.Count > 0:
                    var length = Math.Min(random.Next(1, 64), bytes.Count - at);
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
                case 4:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Fragments[random.Next(Fragments.Length)]));
                    break;
                default:
                    if (bytes.Count > 0)
                    {
                        bytes.RemoveRange(at, bytes.Count - at);
                    }
                    break;
            }
        }
        return [.. bytes];
    }
}
