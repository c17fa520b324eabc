using System.Text;
using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// Prometheus' <c>label_limit</c>, <c>label_name_length_limit</c> and <c>label_value_length_limit</c> (0 = none): a
/// series over a limit, after target labels and metric relabelling, fails the whole scrape. Checked when a series
/// is first resolved, so series already cached cost nothing.
/// </summary>
public readonly record struct LabelLimits(int Labels, int NameLength, int ValueLength)
{
    public static readonly LabelLimits None = default;

    /// <summary>Throws <see cref="ScrapeException"/> with Prometheus' wording when <paramref name="series"/> breaks a limit.</summary>
    public void Check(LabelSet series)
    {
        if (this == None)
        {
            return;
        }
        var metric = Truncate(series.Get(Exposition.ExpositionReader.MetricNameLabel));
        if (Labels > 0 && series.Count > Labels)
        {
            throw new ScrapeException($"label_limit exceeded (metric: {metric}, number of labels: {series.Count}, limit: {Labels})");
        }
        foreach (var label in series)
        {
            var nameLength = label.Name.Length; // label names are ASCII
            if (NameLength > 0 && nameLength > NameLength)
            {
                throw new ScrapeException($"label_name_length_limit exceeded (metric: {metric}, label name: {Truncate(label.Name)}, length: {nameLength}, limit: {NameLength})");
            }
            var valueLength = ValueLength > 0 ? Encoding.UTF8.GetByteCount(label.Value) : 0;
            if (ValueLength > 0 && valueLength > ValueLength)
            {
                throw new ScrapeException($"label_value_length_limit exceeded (metric: {metric}, label name: {Truncate(label.Name)}, value: \"{Truncate(label.Value)}\", length: {valueLength}, limit: {ValueLength})");
            }
        }
    }

    /// <summary>Prometheus prints at most 50 characters of a name or value in these errors.</summary>
    private static string Truncate(string text) => text.Length > 50 ? text[..50] : text;
}
