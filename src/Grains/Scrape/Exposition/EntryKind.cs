namespace AlloyOrleans.Grains.Scrape.Exposition;

/// <summary>What the current line of an exposition is.</summary>
public enum EntryKind
{
    /// <summary>Before the first <see cref="ExpositionReader.Read"/> or after the end.</summary>
    None,

    /// <summary>A sample: metric name, labels, value and optional timestamp.</summary>
    Series,

    /// <summary><c># HELP name text</c>.</summary>
    Help,

    /// <summary><c># TYPE name type</c>.</summary>
    Type,

    /// <summary><c># UNIT name unit</c> (OpenMetrics only).</summary>
    Unit,

    /// <summary>Any other <c>#</c> line (Prometheus text format only; OpenMetrics has no free comments).</summary>
    Comment,
}
