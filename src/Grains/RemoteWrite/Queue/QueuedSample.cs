using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.RemoteWrite.Wal;

namespace AlloyOrleans.Grains.RemoteWrite.Queue;

/// <summary>A sample in a shard's buffer, with the WAL record it came from.</summary>
internal readonly record struct QueuedSample(Sample Sample, RecordTicket Ticket);
