using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
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
    // One hasher reused for every sample identity (the class allocates).
    private readonly XxHash128 _hash = new();
    private Dictionary<UInt128, long[]>? _previous;
    private long _previousTimeNanos;

    /// <summary>Sample identities remembered from the previous profile (bounded by the target's own profile size).</summary>
    public int TrackedSamples => _previous?.Count ?? 0;

    /// <summary>
    /// The delta profile, or null for the first profile (or the first after the sample types changed). The delta shares
    /// the current profile's locations, functions and strings (it is only read, to be encoded); neither is changed.
    /// </summary>
    public Profile? Next(Profile current)
    {
        var cumulative = CumulativeIndexes(current);
        var totals = new Dictionary<UInt128, long[]>(current.Sample.Count);
        var firsts = new List<(UInt128 Key, Sample Sample)>(current.Sample.Count);
        var locations = current.Location.ToDictionary(l => l.Id);
        var functions = current.Function.ToDictionary(f => f.Id);
        foreach (var sample in current.Sample)
        {
            var key = Identity(sample, current, locations, functions);
            if (totals.TryGetValue(key, out var existing))
            {
                for (var i = 0; i < existing.Length; i++)
                {
                    existing[i] += sample.Value[i];
                }
                continue;
            }
            totals[key] = [.. sample.Value];
            firsts.Add((key, sample));
        }

        var previous = _previous;
        var previousTime = _previousTimeNanos;
        // The totals are only read from here on, so they are kept as they are for the next profile.
        _previous = totals;
        _previousTimeNanos = current.TimeNanos;
        if (previous is null || (previous.Count > 0 && previous.First().Value.Length != current.SampleType.Count))
        {
            return null;
        }

        // Everything but the samples, by reference (repeated fields merge references, not copies).
        var delta = new Profile();
        delta.MergeFrom(current);
        delta.Sample.Clear();
        foreach (var (key, first) in firsts)
        {
            var values = totals[key];
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
            var sample = new Sample();
            sample.LocationId.Add(first.LocationId);
            sample.Label.Add(first.Label);
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

    /// <summary>
    /// The hash of a sample's stack and labels. Only compared within this process, between one target's profiles, so
    /// strings are hashed as their UTF-16 chars (no encoding, no allocation).
    /// </summary>
    private UInt128 Identity(Sample sample, Profile profile, Dictionary<ulong, Location> locations, Dictionary<ulong, Function> functions)
    {
        _hash.Reset();
        foreach (var id in sample.LocationId)
        {
            var location = locations[id];
            AppendNumber(location.Address);
            if (location.Address == 0)
            {
                foreach (var line in location.Line)
                {
                    AppendString(functions.TryGetValue(line.FunctionId, out var f) ? profile.StringTable[(int)f.Name] : "");
                    AppendNumber((ulong)line.Line_);
                }
            }
            _hash.Append([0xff]);
        }
        // Label order carries no meaning; Go writes one label (bytes) on heap samples, so sorting is rare.
        if (sample.Label.Count == 1)
        {
            AppendLabel(sample.Label[0], profile);
        }
        else if (sample.Label.Count > 1)
        {
            var labels = sample.Label.ToArray();
            Array.Sort(labels, (a, b) => string.CompareOrdinal(profile.StringTable[(int)a.Key], profile.StringTable[(int)b.Key]));
            foreach (var label in labels)
            {
                AppendLabel(label, profile);
            }
        }
        return _hash.GetCurrentHashAsUInt128();
    }

    private void AppendLabel(Label label, Profile profile)
    {
        AppendString(profile.StringTable[(int)label.Key]);
        AppendString(profile.StringTable[(int)label.Str]);
        AppendNumber((ulong)label.Num);
        AppendString(profile.StringTable[(int)label.NumUnit]);
    }

    private void AppendNumber(ulong value)
    {
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(number, value);
        _hash.Append(number);
    }

    private void AppendString(string value)
    {
        _hash.Append(MemoryMarshal.AsBytes(value.AsSpan()));
        _hash.Append([0, 0]);
    }
}
