using System.Net.Http.Headers;
using AlloyOrleans.Grains.Scrape.Exposition;

namespace AlloyOrleans.Tests.Operator;

/// <summary>A silo's <c>/metrics</c>, read with our own exposition parser into (name, labels, value) rows.</summary>
public sealed class MetricsPage
{
    private MetricsPage(List<MetricSample> samples) => Samples = samples;

    public IReadOnlyList<MetricSample> Samples { get; }

    public static async Task<MetricsPage> ScrapeAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync();
        return new MetricsPage(Parse(body, response.Content.Headers.ContentType?.ToString()));
    }

    private static List<MetricSample> Parse(byte[] body, string? contentType)
    {
        var samples = new List<MetricSample>();
        var reader = new ExpositionReader(body, ExpositionContentType.Detect(contentType));
        while (reader.Read())
        {
            if (reader.Kind != EntryKind.Series)
            {
                continue;
            }
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var label in reader.Labels)
            {
                labels[label.GetName()] = label.GetValue();
            }
            samples.Add(new MetricSample(System.Text.Encoding.UTF8.GetString(reader.MetricName), labels, reader.Value));
        }
        return samples;
    }

    /// <summary>The series of a metric whose labels include every given pair.</summary>
    public IEnumerable<MetricSample> Series(string name, params (string Name, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Name) == l.Value));

    /// <summary>The value of the one series matching, failing the test when there is none or more than one.</summary>
    public double Single(string name, params (string Name, string Value)[] labels)
    {
        var matches = Series(name, labels).ToList();
        return matches.Count == 1
            ? matches[0].Value
            : throw new Xunit.Sdk.XunitException($"expected one {name}{{{string.Join(",", labels.Select(l => l.Name + "=" + l.Value))}}} on /metrics, found {matches.Count}");
    }

    /// <summary>The sum over matching series; 0 when there is none (an unobserved counter is absent).</summary>
    public double Sum(string name, params (string Name, string Value)[] labels) => Series(name, labels).Sum(s => s.Value);
}

public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
