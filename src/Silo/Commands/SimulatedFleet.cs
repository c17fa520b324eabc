using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Silo.Commands;

/// <summary>
/// The targets <c>cluster simulate</c> places: their ring keys and samples per scrape, either read from a targets file
/// (a JSON array of <c>{"labels": {...}, "samples": n}</c>) or synthetic (distinct <c>__address__</c> values, one
/// sample each). Targets with equal keys are one target, as on a real ring: the first one counts.
/// </summary>
public sealed class SimulatedFleet
{
    private static readonly int[] Ports = [9100, 9090, 8080, 443, 80, 9115];

    private SimulatedFleet(ulong[] keys, double[] samples, int duplicates)
    {
        Keys = keys;
        Samples = samples;
        Duplicates = duplicates;
    }

    public ulong[] Keys { get; }

    /// <summary>Samples per scrape of <see cref="Keys"/>[i].</summary>
    public double[] Samples { get; }

    /// <summary>Entries of the file left out because an earlier entry had the same key.</summary>
    public int Duplicates { get; }

    public int Count => Keys.Length;

    public double TotalSamples => Samples.Sum();

    /// <summary>Distinct synthetic targets of one sample each, the same for the same seed.</summary>
    public static SimulatedFleet Synthetic(int count, int seed)
    {
        var random = new Random(seed);
        var addresses = new HashSet<string>(count, StringComparer.Ordinal);
        var keys = new ulong[count];
        var made = 0;
        while (made < count)
        {
            var address = string.Create(CultureInfo.InvariantCulture,
                $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}:{Ports[random.Next(Ports.Length)]}");
            if (addresses.Add(address))
            {
                keys[made++] = TargetKey.Compute(LabelSet.From(("__address__", address)));
            }
        }
        var samples = new double[count];
        Array.Fill(samples, 1);
        return new SimulatedFleet(keys, samples, 0);
    }

    /// <summary>Reads a targets file, streaming, so a million targets need memory for their keys only.</summary>
    public static SimulatedFleet Read(string path)
    {
        var keys = new List<ulong>();
        var samples = new List<double>();
        var seen = new HashSet<ulong>();
        var duplicates = 0;
        try
        {
            using var stream = File.OpenRead(path);
            var index = 0;
            foreach (var entry in JsonSerializer.DeserializeAsyncEnumerable(stream, FleetJson.Default.FleetEntry).ToBlockingEnumerable())
            {
                if (entry?.Labels is null || entry.Samples is not { } count || double.IsNaN(count) || count < 0)
                {
                    throw new CommandLineException($"{path}: entry {index} needs \"labels\" (an object) and \"samples\" (a number >= 0)");
                }
                var key = TargetKey.Compute(LabelSet.FromDictionary(entry.Labels));
                if (seen.Add(key))
                {
                    keys.Add(key);
                    samples.Add(count);
                }
                else
                {
                    duplicates++;
                }
                index++;
            }
        }
        catch (JsonException e)
        {
            throw new CommandLineException($"{path}:{e.LineNumber + 1}:{e.BytePositionInLine + 1}: {e.Message}");
        }
        catch (IOException e)
        {
            throw new CommandLineException($"{path}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CommandLineException($"{path}: {e.Message}");
        }
        if (keys.Count == 0)
        {
            throw new CommandLineException($"{path}: no targets");
        }
        return new SimulatedFleet([.. keys], [.. samples], duplicates);
    }
}

/// <summary>One element of a targets file.</summary>
public sealed record FleetEntry(
    [property: JsonPropertyName("labels")] Dictionary<string, string>? Labels,
    [property: JsonPropertyName("samples")] double? Samples);

[JsonSerializable(typeof(FleetEntry))]
internal sealed partial class FleetJson : JsonSerializerContext;
