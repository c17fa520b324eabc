using System.Diagnostics.CodeAnalysis;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>
/// A label set seen as an Alloy object of strings, without copying it. Discovery exports thousands of targets; the
/// graph compares them with the previous ones and hands them to prometheus.scrape, which decodes them straight back
/// into the same <see cref="LabelSet"/> instances.
/// </summary>
internal sealed class LabelSetFields(LabelSet labels) : IReadOnlyDictionary<string, AlloyValue>
{
    public LabelSet Labels { get; } = labels;

    public int Count => Labels.Count;

    public AlloyValue this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => Labels.Select(l => l.Name);

    public IEnumerable<AlloyValue> Values => Labels.Select(l => AlloyValue.String(l.Value));

    public bool ContainsKey(string key) => Labels.Contains(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out AlloyValue value)
    {
        if (Labels.Contains(key))
        {
            value = AlloyValue.String(Labels.Get(key));
            return true;
        }
        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, AlloyValue>> GetEnumerator()
    {
        foreach (var label in Labels)
        {
            yield return new KeyValuePair<string, AlloyValue>(label.Name, AlloyValue.String(label.Value));
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Equal label sets are equal objects: lets the graph see unchanged targets without walking them.</summary>
    public override bool Equals(object? obj) => obj is LabelSetFields other && Labels.Equals(other.Labels);

    public override int GetHashCode() => Labels.GetHashCode();
}
