using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using AlloyOrleans.Grains.Pyroscope.Pprof;

namespace AlloyOrleans.Grains.Pyroscope;

/// <summary>
/// Turns a target's successive cumulative profiles (Go's allocs, mutex and block) into what happened between two
/// scrapes, as Alloy does. A sample is its call stack (instruction addresses, or function and line where a location
/// has no address) with its labels; samples of one stack are summed; the cumulative sample types become the difference
/// to the previous profile and the others pass through; a sample whose values are all zero is left out. The first
/// profile only sets the baseline. A value below its previous one means the process restarted: the new total is the
/// change. Not thread-safe: one target's scrapes run one at a time.
/// </summary>
public sealed class ProfileDeltaComputer(IReadOnlyList<(string Type, string Unit)> cumulativeTypes)
{
    private Dictionary<UInt128, long[]>? _previous;
    private long _previousTimeNanos;

    /// <summary>Sample identities remembered from the previous profile (bounded by the target's own profile size).</summary>
    public int TrackedSamples => _previous?.Count ?? 0;

    /// <summary>The delta profile, or null for the first profile (or the first after the sample types changed).</summary>
    public Profile? Next(Profile current)
    {
        var cumulative = CumulativeIndexes(current);
        var aggregated = new Dictionary<UInt128, (Sample First, long[] Values)>();
        var order = new List<UInt128>();
        var locations = current.Location.ToDictionary(l => l.Id);
        var functions = current.Function.ToDictionary(f => f.Id);
        foreach (var sample in current.Sample)
        {
            var key = Identity(sample, current, locations, functions);
            if (aggregated.TryGetValue(key, out var existing))
            {
                for (var i = 0; i < existing.Values.Length; i++)
                {
                    existing.Values[i] += sample.Value[i];
                }
                continue;
            }
            aggregated[key] = (sample, [.. sample.Value]);
            order.Add(key);
        }

        var previous = _previous;
        var previousTime = _previousTimeNanos;
        _previous = aggregated.ToDictionary(p => p.Key, p => p.Value.Values);
        _previousTimeNanos = current.TimeNanos;
        if (previous is null || (previous.Count > 0 && previous.First().Value.Length != current.SampleType.Count))
        {
            return null;
        }

        var delta = current.Clone();
        delta.Sample.Clear();
        foreach (var key in order)
        {
            var (first, values) = aggregated[key];
            var output = (long[])values.Clone();
            if (previous.TryGetValue(key, out var before))
            {
                foreach (var i in cumulative)
                {
                    output[i] = values[i] >= before[i] ? values[i] - before[i] : values[i];
                }
            }
            if (Array.TrueForAll(output, v => v == 0))
            {
                continue;
            }
            var sample = first.Clone();
            sample.Value.Clear();
            sample.Value.Add(output);
            delta.Sample.Add(sample);
        }
        if (previousTime > 0 && current.TimeNanos > previousTime)
        {
            delta.DurationNanos = current.TimeNanos - previousTime;
        }
        return delta;
    }

    private List<int> CumulativeIndexes(Profile profile)
    {
        var indexes = new List<int>();
        for (var i = 0; i < profile.SampleType.Count; i++)
        {
            var type = profile.StringTable[(int)profile.SampleType[i].Type];
            var unit = profile.StringTable[(int)profile.SampleType[i].Unit];
            if (cumulativeTypes.Contains((type, unit)))
            {
                indexes.Add(i);
            }
        }
        return indexes;
    }

    private static UInt128 Identity(Sample sample, Profile profile, Dictionary<ulong, Location> locations, Dictionary<ulong, Function> functions)
    {
        var hash = new XxHash128();
        Span<byte> number = stackalloc byte[8];
        foreach (var id in sample.LocationId)
        {
            var location = locations[id];
            BinaryPrimitives.WriteUInt64LittleEndian(number, location.Address);
            hash.Append(number);
            if (location.Address == 0)
            {
                foreach (var line in location.Line)
                {
                    AppendString(hash, functions.TryGetValue(line.FunctionId, out var f) ? profile.StringTable[(int)f.Name] : "");
                    BinaryPrimitives.WriteInt64LittleEndian(number, line.Line_);
                    hash.Append(number);
                }
            }
            hash.Append([0xff]);
        }
        foreach (var label in sample.Label.OrderBy(l => profile.StringTable[(int)l.Key], StringComparer.Ordinal))
        {
            AppendString(hash, profile.StringTable[(int)label.Key]);
            AppendString(hash, profile.StringTable[(int)label.Str]);
            BinaryPrimitives.WriteInt64LittleEndian(number, label.Num);
            hash.Append(number);
            AppendString(hash, profile.StringTable[(int)label.NumUnit]);
        }
        return hash.GetCurrentHashAsUInt128();
    }

    private static void AppendString(XxHash128 hash, string value)
    {
        hash.Append(Encoding.UTF8.GetBytes(value));
        hash.Append([0]);
    }
}
