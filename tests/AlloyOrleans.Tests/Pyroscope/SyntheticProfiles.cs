using AlloyOrleans.Grains.Pyroscope;
using AlloyOrleans.Grains.Pyroscope.Pprof;
using Pprof = AlloyOrleans.Grains.Pyroscope.Pprof;

namespace AlloyOrleans.Tests.Pyroscope;

/// <summary>Small pprof profiles built in code, shaped like Go's heap profile: stacks by address, four sample types.</summary>
public static class SyntheticProfiles
{
    /// <summary>A heap profile; each stack is (leaf address, caller address) with alloc_objects, alloc_space, inuse_objects, inuse_space.</summary>
    public static Profile Heap(long timeNanos, params (ulong Leaf, ulong Caller, long[] Values)[] samples)
    {
        var profile = new Profile { TimeNanos = timeNanos };
        profile.StringTable.Add(["", "alloc_objects", "count", "alloc_space", "bytes", "inuse_objects", "inuse_space", "main.f"]);
        profile.SampleType.Add(new Pprof.ValueType { Type = 1, Unit = 2 });
        profile.SampleType.Add(new Pprof.ValueType { Type = 3, Unit = 4 });
        profile.SampleType.Add(new Pprof.ValueType { Type = 5, Unit = 2 });
        profile.SampleType.Add(new Pprof.ValueType { Type = 6, Unit = 4 });
        profile.Function.Add(new Function { Id = 1, Name = 7 });
        var locations = new Dictionary<ulong, ulong>();
        foreach (var (leaf, caller, values) in samples)
        {
            var sample = new Sample();
            foreach (var address in new[] { leaf, caller })
            {
                if (!locations.TryGetValue(address, out var id))
                {
                    locations[address] = id = (ulong)locations.Count + 1;
                    var location = new Location { Id = id, Address = address };
                    location.Line.Add(new Line { FunctionId = 1, Line_ = 1 });
                    profile.Location.Add(location);
                }
                sample.LocationId.Add(id);
            }
            sample.Value.Add(values);
            profile.Sample.Add(sample);
        }
        return profile;
    }

    public static byte[] HeapGzip(long timeNanos, params (ulong Leaf, ulong Caller, long[] Values)[] samples) =>
        ProfileDecoder.EncodeGzip(Heap(timeNanos, samples));
}
