namespace AlloyOrleans.Grains.Placement;

/// <summary>
/// What the weights table's owner knows about each target: its smoothed samples per scrape (an exponentially
/// weighted mean, so one odd scrape barely counts), its bucket (held with hysteresis), and when it was last reported.
/// Targets nobody reported for <see cref="PublishingOptions.ForgetAfter"/> are forgotten (they disappeared).
/// </summary>
public sealed class TargetWeightsLedger(PublishingOptions options)
{
    private readonly Dictionary<ulong, Entry> _entries = [];

    public int Count => _entries.Count;

    public void Observe(ulong key, double samplesPerScrape, long nowMs)
    {
        if (double.IsNaN(samplesPerScrape) || samplesPerScrape < 0)
        {
            return;
        }
        if (_entries.TryGetValue(key, out var entry))
        {
            var smoothed = entry.Smoothed + options.Smoothing * (samplesPerScrape - entry.Smoothed);
            _entries[key] = new Entry(smoothed, WeightBuckets.Next(entry.Bucket, smoothed), nowMs);
        }
        else
        {
            _entries[key] = new Entry(samplesPerScrape, WeightBuckets.BucketOf(samplesPerScrape), nowMs);
        }
    }

    /// <summary>Takes a published table's weights as measurements, for a ledger that starts from a seed.</summary>
    public void SeedFrom(TargetWeights table, long nowMs)
    {
        for (var i = 0; i < table.Count; i++)
        {
            _entries.TryAdd(table.Keys[i], new Entry(table.Weights[i], WeightBuckets.BucketOf(table.Weights[i]), nowMs));
        }
    }

    /// <summary>Drops targets not reported recently, then returns the bucketed weights as an unanchored table.</summary>
    public TargetWeights Candidate(long version, long nowMs)
    {
        var forgetBefore = nowMs - (long)options.ForgetAfter.TotalMilliseconds;
        foreach (var key in _entries.Where(e => e.Value.LastSeenMs < forgetBefore).Select(e => e.Key).ToList())
        {
            _entries.Remove(key);
        }
        return TargetWeights.Create(version, _entries.Select(e => KeyValuePair.Create(e.Key, WeightBuckets.WeightOf(e.Value.Bucket))));
    }

    private readonly record struct Entry(double Smoothed, int Bucket, long LastSeenMs);
}
