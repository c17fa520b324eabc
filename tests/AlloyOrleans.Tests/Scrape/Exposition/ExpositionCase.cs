using System.Text;
using AlloyOrleans.Grains.Scrape.Exposition;

namespace AlloyOrleans.Tests.Scrape.Exposition;

/// <summary>
/// One exposition and what Prometheus 2.42 does with it: the samples it reads (rendered by <see cref="SampleText"/>)
/// or, when it rejects the exposition (the scrape fails, <c>up</c> = 0), a fragment of the error.
/// </summary>
public sealed record ExpositionCase(string Name, ExpositionFormat Format, byte[] Body, string[]? Samples, string? Error)
{
    public bool Accepted => Samples is not null;

    public static ExpositionCase Text(string name, string body, params string[] samples) =>
        new(name, ExpositionFormat.PrometheusText, Encoding.UTF8.GetBytes(body), samples, null);

    public static ExpositionCase TextRejected(string name, string body, string error) =>
        new(name, ExpositionFormat.PrometheusText, Encoding.UTF8.GetBytes(body), null, error);

    public static ExpositionCase OpenMetrics(string name, string body, params string[] samples) =>
        new(name, ExpositionFormat.OpenMetrics, Encoding.UTF8.GetBytes(body), samples, null);

    public static ExpositionCase OpenMetricsRejected(string name, string body, string error) =>
        new(name, ExpositionFormat.OpenMetrics, Encoding.UTF8.GetBytes(body), null, error);

    /// <summary>A case whose body is not valid UTF-8: <paramref name="body"/> is taken as Latin-1 bytes.</summary>
    public static ExpositionCase Latin1(string name, ExpositionFormat format, string body, string error) =>
        new(name, format, Encoding.Latin1.GetBytes(body), null, error);

    public override string ToString() => Name;
}
