using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.RemoteWrite.Queue;

/// <summary>
/// Splits one WAL record into a chunk per shard: write relabelling applied (once per series, by the cache), each
/// sample sent to the shard of its label hash, record order kept within each chunk. One router per endpoint queue,
/// used by its routing loop only (one session at a time); its scratch arrays are reused from record to record.
/// </summary>
internal sealed class ShardRouter
{
    private int[] _shardOf = new int[1024];
    private LabelSet?[] _relabelled = new LabelSet?[1024];
    private int[] _counts = [];
    private int[] _filled = [];
    private Sample[]?[] _chunks = [];

    /// <summary>Splits <paramref name="samples"/>; <see cref="Chunk"/> and <see cref="Count"/> give the result.</summary>
    public void Split(IReadOnlyList<Sample> samples, WriteRelabelCache? writeRelabel, int shards)
    {
        if (_counts.Length != shards)
        {
            (_counts, _filled, _chunks) = (new int[shards], new int[shards], new Sample[]?[shards]);
        }
        if (_shardOf.Length < samples.Count)
        {
            _shardOf = new int[samples.Count];
            _relabelled = new LabelSet?[samples.Count];
        }
        Array.Clear(_counts);
        for (var i = 0; i < samples.Count; i++)
        {
            var labels = samples[i].Labels;
            if (writeRelabel is not null)
            {
                labels = writeRelabel.Apply(labels);
                _relabelled[i] = labels;
                if (labels is null)
                {
                    _shardOf[i] = -1;
                    continue;
                }
            }
            var shard = (int)((uint)labels.GetHashCode() % (uint)shards);
            _shardOf[i] = shard;
            _counts[shard]++;
        }
        for (var s = 0; s < shards; s++)
        {
            _chunks[s] = _counts[s] > 0 ? SampleChunk.Rent(_counts[s]) : null;
            _filled[s] = 0;
        }
        for (var i = 0; i < samples.Count; i++)
        {
            var shard = _shardOf[i];
            if (shard < 0)
            {
                continue;
            }
            var sample = samples[i];
            _chunks[shard]![_filled[shard]++] = writeRelabel is null ? sample : sample with { Labels = _relabelled[i]! };
        }
        if (writeRelabel is not null)
        {
            Array.Clear(_relabelled, 0, samples.Count); // holds no series alive after they are gone
        }
    }

    /// <summary>
    /// The last split's samples for <paramref name="shard"/> (null when none), in a rented array whose first
    /// <see cref="Count"/> entries count. The caller takes it over (the shard returns it to the pool).
    /// </summary>
    public Sample[]? Chunk(int shard) => _chunks[shard];

    /// <summary>How many samples the last <see cref="Split"/> gave <paramref name="shard"/>.</summary>
    public int Count(int shard) => _counts[shard];
}
