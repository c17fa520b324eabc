using AlloyOrleans.Grains.Pyroscope;

namespace AlloyOrleans.Grains.Components.Pyroscope.Write;

/// <summary>The exports of <c>pyroscope.write</c>.</summary>
public sealed class PyroscopeWriteExports
{
    /// <summary>Where <c>pyroscope.scrape</c> sends profiles (<c>forward_to = [pyroscope.write.x.receiver]</c>).</summary>
    [Alloy("receiver")]
    public required IProfileSink Receiver { get; init; }
}
