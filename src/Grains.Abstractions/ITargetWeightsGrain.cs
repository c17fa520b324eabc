namespace AlloyOrleans.Grains.Abstractions;

/// <summary>
/// The home of one scrape component's weights table (keyed by component id; only for <c>balance = "samples"</c>).
/// Each target's current owner reports what it measured; the grain smooths and buckets the measurements and, when a
/// re-placement would clearly lower the peak, publishes a new table version that every silo places the same way.
/// </summary>
[Alias("AlloyOrleans.TargetWeights")]
public interface ITargetWeightsGrain : IGrainWithStringKey
{
    /// <summary>The published table, or null when it is still <paramref name="knownVersion"/> (cheap polling).</summary>
    [Alias("GetIfChanged")]
    Task<TargetWeightsSnapshot?> GetIfChanged(long knownVersion);

    /// <summary>Samples per scrape measured by <paramref name="reporter"/> for the targets it scrapes now.</summary>
    [Alias("Report")]
    Task Report(string reporter, TargetSample[] samples);

    /// <summary>
    /// Offers a table a silo still holds to a grain that has published nothing (it was re-activated after its silo
    /// went away), so placement carries on where it was instead of falling back to the ring and back again.
    /// </summary>
    [Alias("Seed")]
    Task Seed(TargetWeightsSnapshot snapshot);
}

/// <summary>A target's samples per scrape, as its owner measured them at its last scrape.</summary>
[GenerateSerializer, Immutable]
public readonly record struct TargetSample([property: Id(0)] ulong Key, [property: Id(1)] double SamplesPerScrape);

/// <summary>
/// A published weights table: parallel arrays sorted by key, with anchors (the index in <see cref="AnchorNodes"/> of
/// the node each target was placed on at publication; <c>ushort.MaxValue</c> for none; empty for no anchors).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TargetWeightsSnapshot(
    [property: Id(0)] long Version,
    [property: Id(1)] ulong[] Keys,
    [property: Id(2)] long[] Weights,
    [property: Id(3)] ushort[] Anchors,
    [property: Id(4)] string[] AnchorNodes);
