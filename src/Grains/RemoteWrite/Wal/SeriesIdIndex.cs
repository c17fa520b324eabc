using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.RemoteWrite.Wal;

/// <summary>
/// The series table's "labels → id" lookup for label sets that do not carry their id (<see cref="LabelSet.SeriesRef"/>):
/// an open-addressing table of (label hash, id) <c>ulong</c>s, comparing labels through the table's id → labels array,
/// so no label set is referenced twice. The slots are a <see cref="ChunkedArray{T}"/>, off the large object heap: a
/// growth leaves the old chunks to the collector, not a hole in the LOH.
/// </summary>
/// <remarks>
/// A <c>Dictionary&lt;LabelSet, uint&gt;</c> costs ~28 B per series plus up to twice that while it grows (entries and
/// buckets); this costs 8 B per slot at a load of at most ¾, ~11–21 B per series. Linear probing with backward-shift
/// deletion, so removals leave no tombstones. Not thread-safe: the series table uses it under the WAL's write lock.
/// </remarks>
internal sealed class SeriesIdIndex(Func<uint, LabelSet?> labelsOf)
{
    private ChunkedArray<ulong> _slots = new(8192); // (hash << 32) | id; id 0 marks an empty slot; a power of two long
    private int _count;

    public int Count => _count;

    public bool TryGet(LabelSet labels, out uint id)
    {
        var hash = labels.GetHashCode();
        var mask = (int)_slots.Length - 1;
        for (var i = hash & mask; ; i = (i + 1) & mask)
        {
            var slot = _slots[i];
            id = (uint)slot;
            if (id == 0)
            {
                return false;
            }
            if ((int)(slot >> 32) == hash && labelsOf(id) is { } found && found.Equals(labels))
            {
                return true;
            }
        }
    }

    /// <summary>Adds <paramref name="id"/> for <paramref name="labels"/>, which the index must not hold yet.</summary>
    public void Add(LabelSet labels, uint id)
    {
        if ((_count + 1) * 4L > _slots.Length * 3L)
        {
            Grow();
        }
        Insert(_slots, ((ulong)(uint)labels.GetHashCode() << 32) | id);
        _count++;
    }

    /// <summary>Removes <paramref name="id"/>, whose labels hash to <paramref name="hash"/>; nothing when absent.</summary>
    public void Remove(uint id, int hash)
    {
        var mask = (int)_slots.Length - 1;
        var i = hash & mask;
        while ((uint)_slots[i] != id)
        {
            if (_slots[i] == 0)
            {
                return;
            }
            i = (i + 1) & mask;
        }
        // Backward shift: pull later entries of the probe run into the hole unless their home lies after it.
        for (var j = (i + 1) & mask; _slots[j] != 0; j = (j + 1) & mask)
        {
            var home = (int)(_slots[j] >> 32) & mask;
            var stays = i <= j ? i < home && home <= j : i < home || home <= j;
            if (!stays)
            {
                _slots[i] = _slots[j];
                i = j;
            }
        }
        _slots[i] = 0;
        _count--;
    }

    private void Grow()
    {
        var grown = new ChunkedArray<ulong>(_slots.Length * 2);
        for (var i = 0L; i < _slots.Length; i++)
        {
            if (_slots[i] is var slot and not 0)
            {
                Insert(grown, slot);
            }
        }
        _slots = grown;
    }

    private static void Insert(ChunkedArray<ulong> slots, ulong entry)
    {
        var mask = (int)slots.Length - 1;
        var i = (int)(entry >> 32) & mask;
        while (slots[i] != 0)
        {
            i = (i + 1) & mask;
        }
        slots[i] = entry;
    }
}
