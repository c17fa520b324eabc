using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ring;
using Xunit;

namespace AlloyOrleans.Tests.Ring;

public class TargetKeyTests
{
    private static readonly LabelSet Target = LabelSet.From(
        ("__address__", "10.0.0.1:9100"), ("__metrics_path__", "/metrics"), ("job", "node"));

    [Fact]
    public void Meta_labels_do_not_change_the_key()
    {
        var withMeta = LabelSet.From(Target.Append(new Label("__meta_kubernetes_pod_name", "pod-1")).Append(new Label("__meta_a", "x")));

        Assert.Equal(TargetKey.Compute(Target), TargetKey.Compute(withMeta));
    }

    [Fact]
    public void Every_other_label_changes_the_key()
    {
        var original = TargetKey.Compute(Target);

        Assert.NotEqual(original, TargetKey.Compute(LabelSet.From(Target.Append(new Label("__param_module", "x")))));
        Assert.NotEqual(original, TargetKey.Compute(LabelSet.From(Target.Append(new Label("__meta", "x")))));
        Assert.NotEqual(original, TargetKey.Compute(LabelSet.From(Target.Append(new Label("job", "other")))));
    }

    [Fact]
    public void The_separator_keeps_name_and_value_boundaries_apart()
    {
        Assert.NotEqual(TargetKey.Compute(LabelSet.From(("ab", "c"))), TargetKey.Compute(LabelSet.From(("a", "bc"))));
    }

    [Fact]
    public void Long_label_sets_hash_the_same_as_they_would_in_one_piece()
    {
        // Past the stack buffer the key is computed in a pooled buffer; it must still be the plain digest.
        // Several large labels, so the pooled buffer has to grow more than once; one value is not ASCII.
        string[] parts = ["__address__", "h:1", "a", new string('a', 900), "x", new string('v', 5_000) + "\u00eb", "y", new string('y', 20_000)];
        var labels = LabelSet.From(Enumerable.Range(0, parts.Length / 2).Select(i => new Label(parts[2 * i], parts[2 * i + 1])));
        var bytes = new List<byte>();
        foreach (var part in parts)
        {
            bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(part));
            bytes.Add(0xFF);
        }

        Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64(bytes.ToArray()), TargetKey.Compute(labels));
    }

    [Fact]
    public void Hashing_allocates_nothing()
    {
        var large = LabelSet.From(("__address__", "h:1"), ("x", new string('v', 5_000)));
        var sink = TargetKey.Compute(Target) ^ TargetKey.Compute(large);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            sink ^= TargetKey.Compute(Target) ^ TargetKey.Compute(large);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        GC.KeepAlive(sink);
    }
}
