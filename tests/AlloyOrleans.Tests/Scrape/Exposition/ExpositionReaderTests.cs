using System.Text;
using AlloyOrleans.Grains.Scrape.Exposition;
using Xunit;

namespace AlloyOrleans.Tests.Scrape.Exposition;

public sealed class ExpositionReaderTests
{
    private const ulong NormalNaNBits = 0x7ff8000000000001;

    [Theory]
    [InlineData(ExpositionFormat.PrometheusText, "a NaN\nb nan\nc NAN\n")]
    [InlineData(ExpositionFormat.OpenMetrics, "a NaN\nb nan\nc NAN\n# EOF\n")]
    public void Every_nan_has_prometheus_normal_nan_bits(ExpositionFormat format, string body)
    {
        var reader = new ExpositionReader(Encoding.UTF8.GetBytes(body), format);
        var count = 0;
        while (reader.Read())
        {
            Assert.Equal(NormalNaNBits, BitConverter.DoubleToUInt64Bits(reader.Value));
            count++;
        }
        Assert.Equal(3, count);
    }

    [Fact]
    public void Label_values_without_escapes_are_raw_and_with_escapes_are_unescaped()
    {
        var body = "foo{plain=\"abc\",quoted=\"a\\\"b\",slash=\"c\\\\d\",newline=\"e\\nf\",tab=\"g\\th\"} 1\n"u8.ToArray();
        var reader = new ExpositionReader(body, ExpositionFormat.PrometheusText);
        Assert.True(reader.Read());
        var labels = new List<(string Name, bool HasEscapes, string Raw, string Value, string Buffered)>();
        Span<byte> buffer = stackalloc byte[64];
        foreach (var label in reader.Labels)
        {
            var length = label.UnescapeValue(buffer);
            labels.Add((label.GetName(), label.HasEscapes, Encoding.UTF8.GetString(label.RawValue), label.GetValue(),
                Encoding.UTF8.GetString(buffer[..length])));
        }
        Assert.Equal(
            [
                ("plain", false, "abc", "abc", "abc"),
                ("quoted", true, "a\\\"b", "a\"b", "a\"b"),
                ("slash", true, "c\\\\d", "c\\d", "c\\d"),
                ("newline", true, "e\\nf", "e\nf", "e\nf"),
                ("tab", true, "g\\th", "g\\th", "g\\th"),
            ],
            labels);
    }

    [Theory]
    [InlineData(ExpositionFormat.PrometheusText, "# HELP foo a\\\\b \\\"q\\\" c\\nd \\t\nfoo 1\n", "a\\b \\\"q\\\" c\nd \\t")]
    [InlineData(ExpositionFormat.OpenMetrics, "# HELP foo a\\\\b \\\"q\\\" c\\nd \\t\nfoo 1\n# EOF\n", "a\\b \"q\" c\nd \\t")]
    public void Help_text_unescapes_like_prometheus(ExpositionFormat format, string body, string help)
    {
        var reader = new ExpositionReader(Encoding.UTF8.GetBytes(body), format);
        Assert.True(reader.Read());
        Assert.Equal(EntryKind.Help, reader.Kind);
        Assert.Equal("foo", reader.MetricNameString);
        Assert.Equal(help, reader.GetHelpText());
    }

    [Fact]
    public void Metadata_and_comments_are_reported_with_family_names_and_types()
    {
        var body = "# TYPE a counter\n# TYPE b gauge\n# TYPE c histogram\n# TYPE d summary\n# TYPE e untyped\n# some comment\n"u8.ToArray();
        var reader = new ExpositionReader(body, ExpositionFormat.PrometheusText);
        var entries = new List<(EntryKind, string, MetricType)>();
        while (reader.Read())
        {
            entries.Add((reader.Kind, reader.Kind == EntryKind.Type ? reader.MetricNameString : Encoding.UTF8.GetString(reader.RawText), reader.Type));
        }
        Assert.Equal(
            [
                (EntryKind.Type, "a", MetricType.Counter),
                (EntryKind.Type, "b", MetricType.Gauge),
                (EntryKind.Type, "c", MetricType.Histogram),
                (EntryKind.Type, "d", MetricType.Summary),
                (EntryKind.Type, "e", MetricType.Unknown),
                (EntryKind.Comment, "# some comment", MetricType.Unknown),
            ],
            entries);
    }

    [Fact]
    public void OpenMetrics_types_and_units_are_reported()
    {
        var body = ("# TYPE a info\n# TYPE b stateset\n# TYPE c gaugehistogram\n# TYPE d unknown\n" +
                    "# TYPE e_seconds counter\n# UNIT e_seconds seconds\n# EOF\n").Select(c => (byte)c).ToArray();
        var reader = new ExpositionReader(body, ExpositionFormat.OpenMetrics);
        var types = new List<MetricType>();
        while (reader.Read() && reader.Kind == EntryKind.Type)
        {
            types.Add(reader.Type);
        }
        Assert.Equal([MetricType.Info, MetricType.StateSet, MetricType.GaugeHistogram, MetricType.Unknown, MetricType.Counter], types);
        Assert.Equal(EntryKind.Unit, reader.Kind);
        Assert.Equal("e_seconds", reader.MetricNameString);
        Assert.Equal("seconds", Encoding.UTF8.GetString(reader.RawText));
        Assert.False(reader.Read());
    }

    [Fact]
    public void Timestamps_are_milliseconds_in_both_formats()
    {
        var text = new ExpositionReader("a 1\nb 1 1700000000123\n"u8.ToArray(), ExpositionFormat.PrometheusText);
        Assert.True(text.Read());
        Assert.Null(text.TimestampMs);
        Assert.True(text.Read());
        Assert.Equal(1700000000123L, text.TimestampMs);

        var om = new ExpositionReader("a 1\nb 1 1700000000.123\n# EOF\n"u8.ToArray(), ExpositionFormat.OpenMetrics);
        Assert.True(om.Read());
        Assert.Null(om.TimestampMs);
        Assert.True(om.Read());
        Assert.Equal(1700000000123L, om.TimestampMs);
    }

    [Fact]
    public void Series_bytes_identify_a_series_without_its_value_and_entries_know_their_line()
    {
        var body = "foo{a=\"1\"} 1\nfoo{a=\"1\"} 2 123\n\nfoo{a=\"2\"} 1\nfoo 1\n"u8.ToArray();
        var reader = new ExpositionReader(body, ExpositionFormat.PrometheusText);
        var keys = new List<(string, int)>();
        while (reader.Read())
        {
            keys.Add((Encoding.UTF8.GetString(reader.SeriesBytes), reader.LineNumber));
        }
        Assert.Equal([("foo{a=\"1\"}", 1), ("foo{a=\"1\"}", 2), ("foo{a=\"2\"}", 4), ("foo", 5)], keys);
    }

    [Fact]
    public void Label_set_includes_the_name_sorted_and_drops_empty_values()
    {
        var reader = new ExpositionReader("foo{z=\"1\",a=\"x\\ny\",e=\"\"} 1\n"u8.ToArray(), ExpositionFormat.PrometheusText);
        Assert.True(reader.Read());
        var set = reader.CreateLabelSet();
        Assert.Equal([new("__name__", "foo"), new("a", "x\ny"), new("z", "1")], set.AsSpan().ToArray());
    }

    [Theory]
    [InlineData(ExpositionFormat.PrometheusText)]
    [InlineData(ExpositionFormat.OpenMetrics)]
    public void Series_with_more_labels_than_the_reader_records_enumerate_and_check_every_label(ExpositionFormat format)
    {
        static byte[] Body(ExpositionFormat format, IEnumerable<string> names) =>
            Encoding.UTF8.GetBytes("foo{" + string.Join(",", names.Select((n, i) => $"{n}=\"v\\\"{i}\"")) + "} 1\n" +
                                   (format == ExpositionFormat.OpenMetrics ? "# EOF\n" : ""));
        var names = Enumerable.Range(0, 24).Select(i => $"l{i:D2}").ToList();

        var reader = new ExpositionReader(Body(format, names), format);
        Assert.True(reader.Read());
        var read = new List<(string, string)>();
        foreach (var label in reader.Labels)
        {
            read.Add((label.GetName(), label.GetValue()));
        }
        Assert.Equal(names.Select((n, i) => (n, $"v\"{i}")), read);
        Assert.Equal(25, reader.CreateLabelSet().Count);

        foreach (var (first, second) in new[] { (2, 20), (18, 22), (17, 18) })
        {
            var repeated = names.ToList();
            repeated[second] = repeated[first];
            var error = Assert.Throws<ExpositionFormatException>(() => SampleText.ReadAll(Body(format, repeated), format));
            Assert.Contains($"label name \"{names[first]}\" is not unique", error.Message);
        }
    }

    [Fact]
    public void Errors_name_the_line_counting_newlines_inside_label_values()
    {
        var body = "foo 1\nbar{a=\"multi\nline\"} 2\n\nbaz{a=1} 3\n"u8.ToArray();
        var error = Assert.Throws<ExpositionFormatException>(() => SampleText.ReadAll(body, ExpositionFormat.PrometheusText));
        Assert.Equal(5, error.LineNumber);
        Assert.StartsWith("line 5: expected label value", error.Message);
    }

    [Theory]
    [InlineData(null, ExpositionFormat.PrometheusText)]
    [InlineData("", ExpositionFormat.PrometheusText)]
    [InlineData("text/plain; version=0.0.4; charset=utf-8", ExpositionFormat.PrometheusText)]
    [InlineData("application/openmetrics-text; version=1.0.0; charset=utf-8", ExpositionFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text", ExpositionFormat.OpenMetrics)]
    [InlineData("Application/OpenMetrics-Text ;version=0.0.1", ExpositionFormat.OpenMetrics)]
    [InlineData("application/json", ExpositionFormat.PrometheusText)]
    [InlineData("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily", ExpositionFormat.PrometheusText)]
    public void Content_type_selects_the_parser(string? contentType, ExpositionFormat expected) =>
        Assert.Equal(expected, ExpositionContentType.Detect(contentType));

    [Fact]
    public void A_real_node_exporter_exposition_reads_every_series()
    {
        var body = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Data", "Exposition", "node_exporter_1.5.prom"));
        var lines = Encoding.UTF8.GetString(body).Split('\n');
        var expectedSeries = lines.Count(l => l.Length > 0 && !l.StartsWith('#'));
        var expectedHelp = lines.Count(l => l.StartsWith("# HELP ", StringComparison.Ordinal));
        var expectedType = lines.Count(l => l.StartsWith("# TYPE ", StringComparison.Ordinal));

        var reader = new ExpositionReader(body, ExpositionFormat.PrometheusText);
        int series = 0, help = 0, type = 0;
        while (reader.Read())
        {
            switch (reader.Kind)
            {
                case EntryKind.Series:
                    series++;
                    Assert.Equal(reader.MetricNameString, reader.CreateLabelSet().Get("__name__"));
                    break;
                case EntryKind.Help:
                    help++;
                    break;
                case EntryKind.Type:
                    type++;
                    break;
            }
        }
        Assert.True(expectedSeries > 400);
        Assert.Equal((expectedSeries, expectedHelp, expectedType), (series, help, type));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_large_generated_exposition_reads_every_series_without_allocating(bool openMetrics)
    {
        var (body, expected) = NodeExporterLikeExposition.Generate(groups: 60, openMetrics);
        var format = openMetrics ? ExpositionFormat.OpenMetrics : ExpositionFormat.PrometheusText;
        ReadAllSeries(body, format); // warm up static data and JIT

        var before = GC.GetAllocatedBytesForCurrentThread();
        var (series, labels) = ReadAllSeries(body, format);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(expected, series);
        Assert.True(labels > 2 * series);
        Assert.Equal(0, allocated);
    }

    private static (int Series, int Labels) ReadAllSeries(byte[] body, ExpositionFormat format)
    {
        var reader = new ExpositionReader(body, format);
        int series = 0, labels = 0;
        while (reader.Read())
        {
            if (reader.Kind != EntryKind.Series)
            {
                continue;
            }
            series++;
            foreach (var label in reader.Labels)
            {
                labels += label.Name.Length > 0 && !label.HasEscapes ? 1 : 0;
            }
            _ = reader.Value;
            _ = reader.TimestampMs;
        }
        return (series, labels);
    }
}
