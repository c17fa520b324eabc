namespace AlloyOrleans.Grains.Scrape.Exposition;

/// <summary>
/// When a parse must give up (the scrape's deadline), on a <see cref="TimeProvider"/>'s timestamp clock. The reader
/// looks at the clock once per <see cref="CheckEveryBytes"/> of body, so the check costs nothing per series.
/// </summary>
public readonly record struct ParseDeadline(TimeProvider Time, long Timestamp)
{
    /// <summary>How much body the reader consumes between two looks at the clock.</summary>
    public const int CheckEveryBytes = 64 * 1024;

    /// <summary>The deadline <paramref name="budget"/> after <paramref name="startedTimestamp"/> (from <c>Time.GetTimestamp()</c>).</summary>
    public static ParseDeadline After(TimeProvider time, long startedTimestamp, TimeSpan budget) =>
        new(time, startedTimestamp + (long)(budget.TotalSeconds * time.TimestampFrequency));

    public bool HasPassed => Time.GetTimestamp() >= Timestamp;
}

/// <summary>The scrape's deadline passed while its body was still being parsed; the scrape fails.</summary>
public sealed class ParseDeadlineExceededException(int lineNumber)
    : TimeoutException($"scrape_timeout exceeded while parsing the body (at line {lineNumber})");
