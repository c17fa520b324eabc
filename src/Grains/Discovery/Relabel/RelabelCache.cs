using System.Collections.Concurrent;
using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Discovery.Relabel;

/// <summary>
/// A bounded, thread-safe memo of relabel results per input label set (null = dropped). Two generations: entries are
/// added to the current one; when it reaches half the capacity it becomes the old one and the previous old generation
/// is discarded; a hit in the old generation is promoted. Recently used series stay, the total never exceeds the
/// capacity, and no lock or per-entry bookkeeping is needed.
/// </summary>
public sealed class RelabelCache
{
    private readonly int _generationSize;
    private readonly Lock _rotateLock = new();
    private ConcurrentDictionary<LabelSet, LabelSet?> _current = new();
    private ConcurrentDictionary<LabelSet, LabelSet?> _old = new();

    public RelabelCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _generationSize = Math.Max(1, capacity / 2);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count => _current.Count + _old.Count;

    public bool TryGet(LabelSet labels, out LabelSet? result)
    {
        if (Capacity == 0)
        {
            result = null;
            return false;
        }
        if (_current.TryGetValue(labels, out result))
        {
            return true;
        }
        if (_old.TryRemove(labels, out result))
        {
            Add(labels, result);
            return true;
        }
        return false;
    }

    public void Add(LabelSet labels, LabelSet? result)
    {
        if (Capacity == 0)
        {
            return;
        }
        var current = _current;
        current[labels] = result;
        if (current.Count >= _generationSize)
        {
            lock (_rotateLock)
            {
                if (ReferenceEquals(current, _current))
                {
                    _old = current;
                    _current = new ConcurrentDictionary<LabelSet, LabelSet?>();
                }
            }
        }
    }

    public void Remove(LabelSet labels)
    {
        _current.TryRemove(labels, out _);
        _old.TryRemove(labels, out _);
    }
}
