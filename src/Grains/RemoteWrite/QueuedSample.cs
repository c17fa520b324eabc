using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.RemoteWrite;

/// <summary>A sample in a shard's buffer, with the WAL record it came from.</summary>
internal readonly record struct QueuedSample(Sample Sample, RecordTicket Ticket);
