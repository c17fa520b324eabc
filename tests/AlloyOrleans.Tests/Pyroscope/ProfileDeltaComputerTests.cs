using System.Buffers.Binary;
using AlloyOrleans.Grains.Pyroscope;
using Xunit;
using static AlloyOrleans.Tests.Pyroscope.SyntheticProfiles;
using Pprof = AlloyOrleans.Grains.Pyroscope.Pprof;

namespace AlloyOrleans.Tests.Pyroscope;

public sealed class ProfileDeltaComputerTests
{
    private static ProfileDeltaComputer Memory() => new(ProfileType.CumulativeSampleTypes("memory")!);

    [Fact]
    public void The_first_profile_is_the_baseline_and_pushes_nothing()
    {
        Assert.Null(Memory().Next(Heap(1, (0x10, 0x20, [1, 100, 1, 100]))));
    }

    [Fact]
    public void Alloc_types_become_the_change_and_inuse_types_pass_through()
    {
        var delta = Memory();
        delta.Next(Heap(1_000_000_000, (0x10, 0x20, [5, 500, 2, 200]), (0x11, 0x20, [1, 10, 1, 10])));
        var next = delta.Next(Heap(3_000_000_000, (0x10, 0x20, [8, 800, 3, 300]), (0x11, 0x20, [1, 10, 0, 0]), (0x12, 0x20, [4, 40, 4, 40])))!;

        // Stack 0x11 allocated nothing new and holds nothing: left out.
        Assert.Equal([[3, 300, 3, 300], [4, 40, 4, 40]], next.Sample.Select(s => s.Value.ToArray()));
        Assert.Equal(2_000_000_000, next.DurationNanos);
        Assert.Equal(3_000_000_000, next.TimeNanos);
    }

    [Fact]
    public void Samples_of_one_stack_are_summed_before_the_difference()
    {
        var delta = Memory();
        delta.Next(Heap(1, (0x10, 0x20, [1, 10, 0, 0]), (0x10, 0x20, [2, 20, 0, 0])));
        var next = delta.Next(Heap(2, (0x10, 0x20, [4, 40, 0, 0])))!;
        Assert.Equal([1, 10, 0, 0], Assert.Single(next.Sample).Value);
    }

    [Fact]
    public void A_total_below_the_previous_one_is_a_restart_and_counts_whole()
    {
        var delta = Memory();
        delta.Next(Heap(1, (0x10, 0x20, [100, 1000, 0, 0])));
        var next = delta.Next(Heap(2, (0x10, 0x20, [3, 30, 0, 0])))!;
        Assert.Equal([3, 30, 0, 0], Assert.Single(next.Sample).Value);
    }

    [Fact]
    public void A_delta_profile_survives_encoding_and_decoding()
    {
        var delta = Memory();
        delta.Next(Heap(1, (0x10, 0x20, [1, 10, 1, 10])));
        var encoded = ProfileDecoder.EncodeGzip(delta.Next(Heap(2, (0x10, 0x20, [2, 20, 1, 10])))!);
        Assert.Equal([1, 10, 1, 10], Assert.Single(ProfileDecoder.Decode(encoded, 1 << 20).Sample).Value);
    }
}

/// <summary>The delta and the decoder on two real Go allocs profiles (a local Prometheus 2.42, a minute apart).</summary>
public sealed class RealProfileDeltaTests
{
    private static readonly byte[] PreviousBody = Read("prometheus-allocs-1.pb.gz");
    private static readonly byte[] CurrentBody = Read("prometheus-allocs-2.pb.gz");

    [Fact]
    public void The_delta_of_two_real_profiles_is_the_change_per_stack_and_label_and_survives_encoding()
    {
        var previous = ProfileDecoder.Decode(PreviousBody, 1 << 20);
        var current = ProfileDecoder.Decode(CurrentBody, 1 << 20);
        var computer = new ProfileDeltaComputer(ProfileType.CumulativeSampleTypes("memory")!);
        Assert.Null(computer.Next(previous));
        var delta = ProfileDecoder.Decode(ProfileDecoder.EncodeGzip(computer.Next(current)!), 1 << 20);

        var before = Totals(previous);
        var expected = Totals(current)
            .Select(p => (p.Key, Values: Change(p.Value, before.GetValueOrDefault(p.Key))))
            .Where(p => p.Values.Any(v => v != 0))
            .ToDictionary(p => p.Key, p => p.Values);
        Assert.True(expected.Count > 50, $"{expected.Count} changed stacks: too few to judge");
        Assert.Equal(expected.OrderBy(p => p.Key), Totals(delta).OrderBy(p => p.Key));
        Assert.Equal(current.TimeNanos - previous.TimeNanos, delta.DurationNanos);
        Assert.Equal(current.StringTable, delta.StringTable);
    }

    [Fact]
    public void A_real_profile_decodes_at_exactly_its_size_limit_and_not_one_byte_below()
    {
        var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(CurrentBody.AsSpan(CurrentBody.Length - 4));
        Assert.NotEmpty(ProfileDecoder.Decode(CurrentBody, size).Sample);
        var error = Assert.Throws<ProfileFormatException>(() => ProfileDecoder.Decode(CurrentBody, size - 1));
        Assert.StartsWith("decompressed profile larger than the limit", error.Message);
    }

    /// <summary>alloc_* are totals (the change, or the whole value after a restart); inuse_* pass through.</summary>
    private static long[] Change(long[] now, long[]? before) =>
        [.. now.Select((v, i) => i < 2 && before is not null ? (v >= before[i] ? v - before[i] : v) : v)];

    /// <summary>Values summed per stack (Go's addresses) and labels, keyed by a readable string.</summary>
    private static Dictionary<string, long[]> Totals(Pprof.Profile profile)
    {
        var addresses = profile.Location.ToDictionary(l => l.Id, l => l.Address);
        var totals = new Dictionary<string, long[]>();
        foreach (var sample in profile.Sample)
        {
            var key = string.Join(",", sample.LocationId.Select(id => addresses[id].ToString("x"))) + "|" +
                string.Join(",", sample.Label.Select(l => $"{profile.StringTable[(int)l.Key]}={profile.StringTable[(int)l.Str]}{l.Num}"));
            if (totals.TryGetValue(key, out var values))
            {
                totals[key] = [.. values.Zip(sample.Value, (a, b) => a + b)];
            }
            else
            {
                totals[key] = [.. sample.Value];
            }
        }
        return totals;
    }

    private static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Data", "Pprof", name));
}
