using System.Collections.Concurrent;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Pyroscope;
using AlloyOrleans.Grains.Pyroscope.Pprof;

namespace AlloyOrleans.Tests.Pyroscope;

/// <summary>A profile receiver that keeps everything it is given, decoded, for tests.</summary>
public sealed class RecordingProfileSink : IProfileSink
{
    private readonly ConcurrentQueue<(LabelSet Labels, Profile Profile, byte[] Raw)> _profiles = new();

    public IReadOnlyList<(LabelSet Labels, Profile Profile, byte[] Raw)> Profiles => [.. _profiles];

    public ValueTask AppendAsync(LabelSet labels, ReadOnlyMemory<byte> rawProfile, CancellationToken cancellationToken)
    {
        _profiles.Enqueue((labels, ProfileDecoder.Decode(rawProfile, 0), rawProfile.ToArray()));
        return ValueTask.CompletedTask;
    }
}
