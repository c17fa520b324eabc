using System.Diagnostics;
using System.Text;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Scrape.Exposition;
using Xunit;

namespace AlloyOrleans.Tests.Hostile;

/// <summary>
/// Series with thousands of labels (a 165 KB series of 16,000 labels used to take seconds): parsed in linear time,
/// and with the same rules as small series — a repeated name fails the scrape unless an occurrence is empty, which
/// drops the name.
/// </summary>
public sealed class LargeSeriesTests
{
    public static TheoryData<ExpositionFormat> Formats() => new(ExpositionFormat.PrometheusText, ExpositionFormat.OpenMetrics);

    /// <summary>
    /// Random label lists of 1 to 60 labels over a small pool of names (so names repeat, some values empty): the
    /// reader agrees with a direct model of Prometheus' rules both below and above the labels it keeps inline.
    /// </summary>
    [Theory]
    [MemberData(nameof(Formats))]
    public void Series_of_any_size_follow_the_rules_for_repeated_and_empty_labels(ExpositionFormat format)
    {
        var random = new Random(21);
        for (var i = 0; i < 3000; i++)
        {
            var count = random.Next(1, 61);
            var pool = random.Next(1, 3) == 1 ? count : Math.Max(1, count * 3 / 4);
            var labels = Enumerable.Range(0, count)
                .Select(_ => ($"l{random.Next(pool)}", random.Next(8) == 0 ? "" : $"v{random.Next(3)}"))
                .ToList();
            var expected = Model(labels);
            var body = Series(labels, format);
            string actual;
            try
            {
                actual = Render(Read(body, format));
            }
            catch (ExpositionFormatException e)
            {
                actual = e.Detail;
            }
            Assert.True(expected == actual, $"series {i} ({count} labels): expected {expected}, got {actual}\n{Encoding.UTF8.GetString(body)}");
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Sixteen_thousand_labels_parse_into_one_label_set(ExpositionFormat format)
    {
        var labels = Enumerable.Range(0, 16_000).Select(i => ($"label_{i}", $"value_{i}")).ToList();
        var set = Read(Series(labels, format), format);
        Assert.Equal(16_001, set.Count);
        Assert.Equal("value_15999", set.Get("label_15999"));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_repeated_name_among_thousands_of_labels_fails_the_scrape(ExpositionFormat format)
    {
        var labels = Enumerable.Range(0, 16_000).Select(i => ($"label_{i % 15_000}", $"value_{i}")).ToList();
        var error = Assert.Throws<ExpositionFormatException>(() => Read(Series(labels, format), format));
        Assert.Contains("label name \"label_0\" is not unique", error.Message);
    }

    /// <summary>
    /// One series of 16,000 labels costs about what 16 series of 1,000 labels cost (two runs of similar length compared,
    /// so machine load affects both alike): the old quadratic walk made it 16 times as much. Unique names, and names
    /// repeated with an empty occurrence (the slowest case before).
    /// </summary>
    [Theory]
    [InlineData(ExpositionFormat.PrometheusText, false)]
    [InlineData(ExpositionFormat.PrometheusText, true)]
    [InlineData(ExpositionFormat.OpenMetrics, false)]
    [InlineData(ExpositionFormat.OpenMetrics, true)]
    public void Time_grows_linearly_with_the_labels_of_a_series(ExpositionFormat format, bool repeatedNames)
    {
        const int Factor = 16;
        byte[] Body(int count) => Series(Enumerable.Range(0, count)
            .Select(i => repeatedNames ? ($"l{i % (count / 2)}", i < count / 2 ? "v" : "") : ($"l{i}", "v")).ToList(), format);
        var small = Body(1_000);
        var large = Body(1_000 * Factor);
        var ratio = BestOf(3, () => ExpositionParse.ReadAll(large, format)) / BestOf(3, () =>
        {
            for (var i = 0; i < Factor; i++)
            {
                ExpositionParse.ReadAll(small, format);
            }
        });
        Assert.True(ratio < 8, $"{Factor}x the labels in one series took {ratio:F1}x the time of {Factor} small series");
    }

    internal static double BestOf(int runs, Action action)
    {
        var best = double.MaxValue;
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            action();
            best = Math.Min(best, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return Math.Max(best, 0.01);
    }

    private static byte[] Series(IReadOnlyList<(string Name, string Value)> labels, ExpositionFormat format)
    {
        var text = new StringBuilder("m{");
        text.AppendJoin(',', labels.Select(l => $"{l.Name}=\"{l.Value}\""));
        text.Append("} 1\n");
        if (format == ExpositionFormat.OpenMetrics)
        {
            text.Append("# EOF\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static LabelSet Read(byte[] body, ExpositionFormat format)
    {
        var reader = new ExpositionReader(body, format);
        Assert.True(reader.Read());
        var set = reader.CreateLabelSet();
        while (reader.Read())
        {
        }
        return set;
    }

    private static string Render(LabelSet set) => string.Join(",", set.Select(l => $"{l.Name}={l.Value}"));

    /// <summary>Prometheus 2.42: a repeated name with no empty occurrence fails; a name with an empty occurrence is dropped.</summary>
    private static string Model(IReadOnlyList<(string Name, string Value)> labels)
    {
        var byName = labels.GroupBy(l => l.Name).ToList();
        var unresolved = byName.FirstOrDefault(g => g.Count() > 1 && g.All(l => l.Value.Length > 0));
        if (unresolved is not null)
        {
            return $"label name \"{unresolved.Key}\" is not unique";
        }
        var kept = byName.Where(g => g.All(l => l.Value.Length > 0)).Select(g => new Label(g.Key, g.Single().Value));
        return Render(LabelSet.From(kept.Append(new Label("__name__", "m"))));
    }
}
