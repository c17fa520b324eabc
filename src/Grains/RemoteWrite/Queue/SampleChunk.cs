using System.Buffers;
using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.RemoteWrite.Queue;

/// <summary>
/// The samples of one WAL record that go to one shard, in record order, handed over in one piece: one buffer
/// operation per record and shard instead of one per sample. The array is rented; the shard returns it once it has
/// taken every sample into its batches.
/// </summary>
internal readonly record struct SampleChunk(Sample[] Samples, int Count, RecordTicket Ticket)
{
    public static Sample[] Rent(int count) => ArrayPool<Sample>.Shared.Rent(count);

    /// <summary>Cleared, so the pool holds no label sets alive.</summary>
    public void Return() => ArrayPool<Sample>.Shared.Return(Samples, clearArray: true);
}
