using System.Globalization;
using System.Text;
using AlloyOrleans.Grains.Scrape.Exposition;

namespace AlloyOrleans.Tests.Scrape.Exposition;

/// <summary>
/// A compact, canonical rendering of a sample for comparing expectations: <c>name{a="1",b="2"} value @timestamp</c>
/// with labels sorted, empty values left out (as Prometheus stores them) and values escaped like Prometheus.
/// </summary>
public static class SampleText
{
    public static string Render(ref ExpositionReader reader)
    {
        var labels = reader.CreateLabelSet();
        return Render(labels.Select(l => (l.Name, l.Value)), reader.Value, reader.TimestampMs);
    }

    public static string Render(IEnumerable<(string Name, string Value)> labels, double value, long? timestampMs)
    {
        var name = "";
        var rest = new List<string>();
        foreach (var (labelName, labelValue) in labels.Where(l => l.Value.Length > 0).OrderBy(l => l.Name, StringComparer.Ordinal))
        {
            if (labelName == "__name__")
            {
                name = labelValue;
            }
            else
            {
                rest.Add($"{labelName}=\"{labelValue.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n")}\"");
            }
        }
        var builder = new StringBuilder(name);
        if (rest.Count > 0)
        {
            builder.Append('{').Append(string.Join(",", rest)).Append('}');
        }
        builder.Append(' ').Append(FormatValue(value));
        if (timestampMs is { } ts)
        {
            builder.Append(" @").Append(ts.ToString(CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Reads the whole exposition and renders every sample.</summary>
    public static List<string> ReadAll(byte[] body, ExpositionFormat format)
    {
        var samples = new List<string>();
        var reader = new ExpositionReader(body, format);
        while (reader.Read())
        {
            if (reader.Kind == EntryKind.Series)
            {
                samples.Add(Render(ref reader));
            }
        }
        return samples;
    }
}
