using System.Runtime.InteropServices;
using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Discovery.Relabel;

/// <summary>
/// A copy-on-write working copy of a <see cref="LabelSet"/> while rules run: reads go to the original until the first
/// real change, so a rule list that changes nothing allocates nothing. Setting an empty value deletes, as Prometheus does.
/// Not thread-safe; the processor keeps one per thread.
/// </summary>
internal sealed class LabelsBuilder
{
    private readonly List<Label> _modified = new(32);
    private LabelSet _base = LabelSet.Empty;
    private bool _copied;

    public void Reset(LabelSet labels)
    {
        _base = labels;
        _copied = false;
        _modified.Clear();
    }

    public int Count => _copied ? _modified.Count : _base.Count;

    public Label this[int index] => _copied ? _modified[index] : _base[index];

    public string Get(string name)
    {
        if (!_copied)
        {
            return _base.Get(name);
        }
        var index = IndexOf(name);
        return index >= 0 ? _modified[index].Value : string.Empty;
    }

    public void Set(string name, string value)
    {
        if (value.Length == 0)
        {
            Delete(name);
            return;
        }
        if (!_copied && _base.Get(name) == value)
        {
            return;
        }
        EnsureCopied();
        var index = IndexOf(name);
        if (index >= 0)
        {
            _modified[index] = new Label(name, value);
        }
        else
        {
            _modified.Insert(~index, new Label(name, value));
        }
    }

    public void Delete(string name)
    {
        if (!_copied && !_base.Contains(name))
        {
            return;
        }
        EnsureCopied();
        var index = IndexOf(name);
        if (index >= 0)
        {
            _modified.RemoveAt(index);
        }
    }

    public void RemoveAt(int index)
    {
        EnsureCopied();
        _modified.RemoveAt(index);
    }

    /// <summary>The current labels as a snapshot, for rules that read every label while setting others.</summary>
    public Label[] Snapshot() => _copied ? _modified.ToArray() : _base.AsSpan().ToArray();

    /// <summary>The result: the original set itself when nothing changed.</summary>
    public LabelSet ToLabelSet() => _copied ? LabelSet.FromSortedUnique(_modified.ToArray()) : _base;

    private void EnsureCopied()
    {
        if (_copied)
        {
            return;
        }
        _modified.Clear();
        foreach (var label in _base.AsSpan())
        {
            _modified.Add(label);
        }
        _copied = true;
    }

    private int IndexOf(string name) => LabelSet.IndexOf(CollectionsMarshal.AsSpan(_modified), name);
}
