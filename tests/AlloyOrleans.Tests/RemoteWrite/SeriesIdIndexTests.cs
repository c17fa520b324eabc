using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.RemoteWrite.Wal;
using Xunit;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>
/// The WAL's labels → id lookup agrees with a dictionary through growth, probe runs and removals. ~15,000 live
/// entries: the slots grow past one 8,192-slot chunk twice, and probe runs cross chunk boundaries.
/// </summary>
public sealed class SeriesIdIndexTests
{
    [Fact]
    public void Random_adds_and_removals_find_exactly_the_ids_a_dictionary_holds()
    {
        var labels = Enumerable.Range(0, 30_000).Select(i => LabelSet.From(("__name__", "m"), ("i", i.ToString()))).ToArray();
        var byId = new LabelSet?[labels.Length + 1];
        var index = new SeriesIdIndex(id => byId[id]);
        var expected = new Dictionary<LabelSet, uint>();
        var random = new Random(7);
        for (var op = 0; op < 200_000; op++)
        {
            var i = random.Next(labels.Length);
            var id = (uint)i + 1;
            if (expected.Remove(labels[i]))
            {
                index.Remove(id, labels[i].GetHashCode());
                byId[id] = null;
            }
            else
            {
                byId[id] = labels[i];
                index.Add(labels[i], id);
                expected[labels[i]] = id;
            }
            if (op % 20_000 == 0 || op == 199_999)
            {
                Assert.Equal(expected.Count, index.Count);
                foreach (var set in labels)
                {
                    // An equal set that is another instance finds the id too: the index compares labels, not references.
                    var found = index.TryGet(LabelSet.From(set), out var foundId);
                    Assert.Equal(expected.TryGetValue(set, out var wanted), found);
                    Assert.Equal(wanted, found ? foundId : 0);
                }
            }
        }
    }
}
