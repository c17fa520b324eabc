using AlloyOrleans.Grains.Pyroscope;
using Xunit;
using static AlloyOrleans.Tests.Pyroscope.SyntheticProfiles;

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
