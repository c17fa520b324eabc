namespace AlloyOrleans.Grains.RemoteWrite.Wal;

/// <summary>
/// An array of <typeparamref name="T"/> in chunks of 8,192 elements (64 KB of references or <c>ulong</c>s), each under
/// the 85,000-byte threshold of the large object heap. The WAL's series tables grow with the series count; as plain
/// arrays they doubled on the large object heap, which is not compacted, and every doubling left the previous array
/// behind as a hole: 14.9 MB of LOH fragmentation at 507k series (dotnet-counters), plus the old and the new array
/// both alive while copying. Growing appends chunks and copies nothing.
/// </summary>
/// <remarks>
/// One writer (the series table under the WAL's write lock); readers may read while it grows: the chunk list is
/// replaced whole, and an index below the length they read is in a chunk of the list they read.
/// </remarks>
internal sealed class ChunkedArray<T>
{
    private const int ChunkShift = 13;
    private const int ChunkLength = 1 << ChunkShift;
    private const int ChunkMask = ChunkLength - 1;

    private T[][] _chunks;

    /// <summary>Room for at least <paramref name="length"/> elements, all default.</summary>
    public ChunkedArray(long length)
    {
        _chunks = [];
        EnsureLength(length);
    }

    /// <summary>How many elements there is room for: a multiple of the chunk length.</summary>
    public long Length => (long)Volatile.Read(ref _chunks).Length << ChunkShift;

    public ref T this[long index] => ref Volatile.Read(ref _chunks)[index >> ChunkShift][index & ChunkMask];

    /// <summary>The element at <paramref name="index"/>, or the default beyond the length; safe while the writer grows the array.</summary>
    public T? GetOrDefault(long index)
    {
        var chunks = Volatile.Read(ref _chunks);
        return index >= 0 && index >> ChunkShift < chunks.Length ? chunks[index >> ChunkShift][index & ChunkMask] : default;
    }

    /// <summary>Adds chunks until there is room for <paramref name="length"/> elements; existing ones stay where they are.</summary>
    public void EnsureLength(long length)
    {
        var needed = (int)((length + ChunkMask) >> ChunkShift);
        var chunks = _chunks;
        if (needed <= chunks.Length)
        {
            return;
        }
        // The list of chunks is copied (a reference per 8,192 elements); the chunks are not.
        var grown = new T[needed][];
        chunks.CopyTo(grown, 0);
        for (var i = chunks.Length; i < grown.Length; i++)
        {
            grown[i] = new T[ChunkLength];
        }
        Volatile.Write(ref _chunks, grown);
    }
}
