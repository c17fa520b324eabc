namespace AlloyOrleans.Grains.Placement;

/// <summary>
/// Turns measured samples per scrape into table weights on a geometric grid (eighth-octave steps, 9 % apart) with
/// hysteresis: a weight keeps its bucket until the smoothed measurement leaves it by more than half a step beyond its
/// edge, so the small changes every target shows from scrape to scrape change no weight and move nothing.
/// </summary>
/// <remarks>Only the weights table's owner computes buckets; silos receive the integer weights.</remarks>
public static class WeightBuckets
{
    public const int StepsPerOctave = 8;

    /// <summary>How far (in steps) a measurement may stray from its bucket's centre before the bucket changes.</summary>
    private const double Hysteresis = 1.0;

    /// <summary>The bucket nearest to <paramref name="samples"/> (0 for one sample or fewer).</summary>
    public static int BucketOf(double samples) => (int)Math.Round(Position(samples));

    /// <summary>The bucket for <paramref name="samples"/>, keeping <paramref name="current"/> while the value stays near it.</summary>
    public static int Next(int? current, double samples) =>
        current is { } bucket && Math.Abs(Position(samples) - bucket) <= Hysteresis ? bucket : BucketOf(samples);

    /// <summary>The weight a bucket stands for: the grid value 2^(bucket/8), rounded.</summary>
    public static long WeightOf(int bucket) => (long)Math.Round(Math.Pow(2, bucket / (double)StepsPerOctave));

    /// <summary>The bucketed weight of a single measurement (as <c>cluster simulate</c> places a fleet).</summary>
    public static long Quantize(double samples) => WeightOf(BucketOf(samples));

    private static double Position(double samples) => StepsPerOctave * Math.Log2(Math.Max(1, samples));
}
