using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Pyroscope;

/// <summary>
/// A receiver of profiles (Alloy's <c>pyroscope.Appendable</c>, the <c>receiver</c> export of <c>pyroscope.write</c>).
/// Profiles never cross silos: the worker that scraped one appends it to a local sink.
/// </summary>
public interface IProfileSink
{
    /// <summary>
    /// Takes one profile (a pprof <c>Profile</c>, usually gzip-compressed) with its labels. Completes once the sink
    /// has queued it; a sink that cannot keep it drops and counts it rather than blocking the scrape.
    /// </summary>
    ValueTask AppendAsync(LabelSet labels, ReadOnlyMemory<byte> rawProfile, CancellationToken cancellationToken);
}
