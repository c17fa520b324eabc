using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace AlloyOrleans.Grains.Scrape.Exposition;

/// <summary>
/// The labels of a series with more labels than <see cref="LabelSpans"/> holds: every position, and an index by name,
/// so that finding a repeated name costs constant time per label and a hostile series of thousands of labels parses
/// in linear time. One instance is reused by a reader for all its large series.
/// </summary>
internal sealed class LabelOverflow
{
    /// <summary>Per process, so that a target cannot send names chosen to collide in the index.</summary>
    private static readonly long Seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));

    private readonly List<LabelSpan> _spans = [];
    private readonly List<int> _firstOfName = [];
    private readonly List<ulong> _hashes = [];
    private readonly HashSet<int> _namesWithEmptyValue = [];
    private readonly HashSet<int> _repeatedNames = [];
    private int[] _slots = new int[64];

    public ReadOnlySpan<LabelSpan> Spans => CollectionsMarshal.AsSpan(_spans);

    /// <summary>Whether some name occurs more than once in the series.</summary>
    public bool HasRepeatedName => _repeatedNames.Count > 0;

    /// <summary>Starts a new series with the labels recorded so far.</summary>
    public void Start(ReadOnlySpan<byte> body, ReadOnlySpan<LabelSpan> first)
    {
        _spans.Clear();
        _firstOfName.Clear();
        _hashes.Clear();
        _namesWithEmptyValue.Clear();
        _repeatedNames.Clear();
        Array.Clear(_slots);
        foreach (var span in first)
        {
            Add(body, span);
        }
    }

    /// <summary>Records a label; returns whether its name occurred before in the series.</summary>
    public bool Add(ReadOnlySpan<byte> body, in LabelSpan span)
    {
        if ((_spans.Count + 1) * 2 > _slots.Length)
        {
            Grow();
        }
        var name = body[span.NameStart..span.NameEnd];
        var hash = XxHash3.HashToUInt64(name, Seed);
        var index = _spans.Count;
        var first = FindOrInsert(body, name, hash, index);
        _spans.Add(span);
        _hashes.Add(hash);
        _firstOfName.Add(first);
        if (span.ValueStart == span.ValueEnd)
        {
            _namesWithEmptyValue.Add(first);
        }
        if (first == index)
        {
            return false;
        }
        _repeatedNames.Add(first);
        return true;
    }

    /// <summary>
    /// The first label (in order) of a name that occurs more than once with no empty value, or -1: such a series
    /// fails the scrape (a name with an empty occurrence is dropped instead).
    /// </summary>
    public int FirstUnresolvedRepeat()
    {
        var found = -1;
        foreach (var first in _repeatedNames)
        {
            if (!_namesWithEmptyValue.Contains(first) && (found < 0 || first < found))
            {
                found = first;
            }
        }
        return found;
    }

    /// <summary>Whether a label of the same name as label <paramref name="index"/> has an empty value.</summary>
    public bool NameHasEmptyValue(int index) => _namesWithEmptyValue.Contains(_firstOfName[index]);

    private int FindOrInsert(ReadOnlySpan<byte> body, ReadOnlySpan<byte> name, ulong hash, int index)
    {
        var mask = _slots.Length - 1;
        for (var slot = (int)hash & mask; ; slot = (slot + 1) & mask)
        {
            var entry = _slots[slot];
            if (entry == 0)
            {
                _slots[slot] = index + 1;
                return index;
            }
            var other = entry - 1;
            var span = _spans[other];
            if (_hashes[other] == hash && body[span.NameStart..span.NameEnd].SequenceEqual(name))
            {
                return other;
            }
        }
    }

    private void Grow()
    {
        var slots = new int[_slots.Length * 2];
        var mask = slots.Length - 1;
        foreach (var entry in _slots)
        {
            if (entry == 0)
            {
                continue;
            }
            var slot = (int)_hashes[entry - 1] & mask;
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }
            slots[slot] = entry;
        }
        _slots = slots;
    }
}
