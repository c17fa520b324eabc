using AlloyOrleans.Grains.Ownership;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>Timing of the hand-off protocol between silos.</summary>
public sealed class ScrapeSchedulerOptions
{
    /// <summary>How long a release or hand-off call to another silo may take before this silo proceeds alone.</summary>
    public TimeSpan HandOffTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long this silo trusts that a peer its view does not show yet is scraping a target (the peer asked for it,
    /// or another peer says it went there): the time a join takes to reach every silo's view, with room to spare.
    /// </summary>
    public TimeSpan UnseenPeerGrace { get; set; } = TimeSpan.FromSeconds(10);

    internal OwnershipTimings Timings() => new(
        HandOffTimeoutMs: (long)HandOffTimeout.TotalMilliseconds,
        UnseenPeerGraceMs: (long)UnseenPeerGrace.TotalMilliseconds);
}
