using AlloyOrleans.Grains.Placement;

namespace AlloyOrleans.Tests.Placement;

/// <summary>Heavy-tailed fleets for placement tests: bounded-Pareto target sizes, random keys, from a seed.</summary>
internal static class ParetoFleet
{
    public static TargetWeights Table(int count, int seed, double alpha = 1.0, double min = 10, double max = 100_000)
    {
        var random = new Random(seed);
        var weights = new Dictionary<ulong, long>();
        while (weights.Count < count)
        {
            var u = random.NextDouble();
            var size = Math.Pow(-(u * Math.Pow(max, alpha) - u * Math.Pow(min, alpha) - Math.Pow(max, alpha)) / (Math.Pow(max, alpha) * Math.Pow(min, alpha)), -1 / alpha);
            weights[(ulong)random.NextInt64() ^ ((ulong)random.Next() << 63)] = (long)Math.Round(size);
        }
        return TargetWeights.Create(1, weights);
    }

    public static string[] Nodes(int count) => [.. Enumerable.Range(0, count).Select(i => $"silo-{i}")];
}
