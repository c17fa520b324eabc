using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// A receiver of samples (Alloy's <c>receiver</c> export): <c>prometheus.remote_write</c>, <c>prometheus.relabel</c>,
/// or a test recorder. Samples never cross silos: the worker that scraped them appends them to a local sink.
/// </summary>
public interface ISampleSink
{
    /// <summary>
    /// Appends one scrape's samples. Completes once the sink has taken responsibility for them
    /// (written to its WAL or handed on); it may wait when the sink is full, which is back-pressure, not loss.
    /// The list is the caller's and is reused once this completes: a sink copies what it keeps.
    /// </summary>
    ValueTask AppendAsync(IReadOnlyList<Sample> samples, CancellationToken cancellationToken);

    /// <summary>
    /// Sends what the sink has been given so far without waiting for a batch deadline, and completes once the
    /// receivers have answered for it (taken or refused), or when cancelled. The scheduler calls it when a target
    /// moves to another silo and tells the new owner only after it: the new owner's first samples must not reach the
    /// receiver before this silo's last ones, or the receiver refuses those (out of order) and the request with them.
    /// A sink that sends nothing itself completes at once.
    /// </summary>
    Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
