using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.RemoteWrite.Queue;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Xunit;

namespace AlloyOrleans.Tests.Scrape;

/// <summary>
/// The compact form the scrape cache keeps its series in (ids of shared strings) is the same label set as the array
/// form to everything that reads one: equality, hashing, lookups, the remote-write encoder and the wire between silos.
/// </summary>
public sealed class CompactLabelSetTests
{
    private static readonly LabelSet Labels = LabelSet.From(
        ("__name__", "node_cpu_seconds_total"), ("cpu", "0"), ("mode", "idle"), ("instance", "127.0.0.1:9100"),
        ("job", "node"), ("path", "/srv/\"quoted\"\\ünïcödé\n"));

    [Fact]
    public void A_compact_set_reads_as_the_labels_it_was_built_from()
    {
        var compact = LabelSet.Compact(Labels);

        Assert.Equal(Labels, compact);
        Assert.Equal(compact, Labels);
        Assert.Equal(Labels.GetHashCode(), compact.GetHashCode());
        Assert.Equal(Labels.Count, compact.Count);
        Assert.Equal(Labels.AsSpan().ToArray(), compact.AsSpan().ToArray());
        Assert.Equal(Labels.ToList(), compact.ToList());
        var enumerated = new List<Label>();
        foreach (var label in compact)
        {
            enumerated.Add(label);
        }
        Assert.Equal(Labels.ToList(), enumerated);
        Assert.Equal("idle", compact.Get("mode"));
        Assert.Equal("", compact.Get("absent"));
        Assert.True(compact.Contains("job"));
        Assert.False(compact.Contains("a"));
        Assert.False(compact.Contains("zzz"));
        Assert.Equal(Labels.ToString(), compact.ToString());
        Assert.Equal(Labels.ToDictionary(), compact.ToDictionary());
        Assert.Same(compact, LabelSet.Compact(compact));
    }

    [Fact]
    public void Sets_that_differ_in_one_value_differ_in_either_form()
    {
        var other = LabelSet.From(Labels.Select(l => l.Name == "cpu" ? new Label("cpu", "1") : l));

        Assert.NotEqual(LabelSet.Compact(Labels), LabelSet.Compact(other));
        Assert.NotEqual(Labels, LabelSet.Compact(other));
        Assert.NotEqual(LabelSet.Compact(other), Labels);
        Assert.NotEqual(LabelSet.Compact(Labels), LabelSet.Compact(LabelSet.From(("__name__", "node_cpu_seconds_total"))));
    }

    [Fact]
    public void Both_forms_encode_to_the_same_remote_write_request()
    {
        Label[] external = [new("cluster", "eu"), new("job", "ignored: the series' own job wins")];
        var encoder = new WriteRequestEncoder();
        var fromArray = encoder.Encode([new Sample(Labels, 1_700_000_000_000, 0.5), new Sample(Labels, 1_700_000_005_000, 1.5)], external).ToArray();
        var compact = LabelSet.Compact(Labels);
        var fromCompact = encoder.Encode([new Sample(compact, 1_700_000_000_000, 0.5), new Sample(compact, 1_700_000_005_000, 1.5)], external).ToArray();

        Assert.Equal(fromArray, fromCompact);
    }

    [Fact]
    public void Both_forms_encode_the_same_across_internal_labels_long_values_and_buffer_growth()
    {
        // Internal labels stay home; a 200-byte value needs a two-byte length; 3,000 series outgrow the first buffer.
        var series = Enumerable.Range(0, 3_000).Select(i => LabelSet.From(
            ("__name__", "m"), ("__address__", "127.0.0.1:80"), ("__meta_x", "y"), ("a", "v" + i),
            ("long", new string('x', 200)), ("zz", "ünï"))).ToArray();
        var encoder = new WriteRequestEncoder();
        foreach (Label[] external in (Label[][])[[], [new("aa", "first")], [new("zzz", "last")], [new("long", "shadowed")]])
        {
            var fromArray = encoder.Encode(series.Select((s, i) => new Sample(s, 1_000 + i, i)).ToArray(), external).ToArray();
            var fromCompact = encoder.Encode(series.Select((s, i) => new Sample(LabelSet.Compact(s), 1_000 + i, i)).ToArray(), external).ToArray();

            Assert.False(LabelSet.Compact(series[0]).CompactIds.IsEmpty);
            Assert.Equal(fromArray, fromCompact);
        }
    }

    [Fact]
    public void A_compact_set_crosses_silos_as_the_array_form_does()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var compact = LabelSet.Compact(Labels);

        var bytes = serializer.SerializeToArray(compact);
        var copy = serializer.Deserialize<LabelSet>(bytes);

        Assert.Equal(serializer.SerializeToArray(Labels), bytes);
        Assert.Equal(Labels, copy);
        Assert.Equal(Labels.AsSpan().ToArray(), copy!.AsSpan().ToArray());
    }
}
