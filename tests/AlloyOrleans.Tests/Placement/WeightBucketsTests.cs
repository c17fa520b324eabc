using AlloyOrleans.Grains.Placement;
using Xunit;

namespace AlloyOrleans.Tests.Placement;

public class WeightBucketsTests
{
    [Theory]
    [InlineData(500)]
    [InlineData(12_345)]
    public void Small_changes_keep_the_bucket(double samples)
    {
        var bucket = WeightBuckets.BucketOf(samples);
        foreach (var factor in new[] { 0.96, 0.99, 1.01, 1.04 })
        {
            Assert.Equal(bucket, WeightBuckets.Next(bucket, samples * factor));
        }
    }

    [Fact]
    public void A_clear_change_moves_the_bucket_and_the_weight_follows_the_measurement()
    {
        var bucket = WeightBuckets.BucketOf(1000);
        var next = WeightBuckets.Next(bucket, 1300);

        Assert.NotEqual(bucket, next);
        Assert.InRange(WeightBuckets.WeightOf(next), 1300 * 0.95, 1300 * 1.05);
        Assert.InRange(WeightBuckets.Quantize(1000), 955, 1045);
    }

    [Fact]
    public void Hysteresis_keeps_a_value_on_a_bucket_edge_from_flapping()
    {
        // Halfway between two buckets: the nearest bucket flips with tiny noise, the held bucket does not.
        var edge = Math.Pow(2, 10.5 / WeightBuckets.StepsPerOctave);
        var held = WeightBuckets.BucketOf(edge * 0.999);
        Assert.NotEqual(held, WeightBuckets.BucketOf(edge * 1.001));
        Assert.Equal(held, WeightBuckets.Next(held, edge * 1.001));
    }

    [Fact]
    public void Nothing_weighs_less_than_one()
    {
        Assert.Equal(1, WeightBuckets.Quantize(0));
        Assert.Equal(1, WeightBuckets.Quantize(1));
    }
}
