namespace AlloyOrleans.Grains.Scrape.Exposition;

/// <summary>
/// The exposition is not valid in its format. Any such error fails the whole scrape, as in Prometheus.
/// </summary>
public sealed class ExpositionFormatException : FormatException
{
    public ExpositionFormatException(int lineNumber, string detail)
        : base($"line {lineNumber}: {detail}")
    {
        LineNumber = lineNumber;
        Detail = detail;
    }

    /// <summary>The 1-based line the error was found on.</summary>
    public int LineNumber { get; }

    /// <summary>The message without the line prefix, worded like Prometheus' parser errors.</summary>
    public string Detail { get; }
}
