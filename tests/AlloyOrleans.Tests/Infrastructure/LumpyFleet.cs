using System.Text;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Tests.Infrastructure;

/// <summary>
/// Targets of very different sizes for load-aware placement tests, on the target server's <c>/t/{i}</c> targets.
/// The heaviest targets are put where the plain ring crowds them, all on one silo, so every run starts from the ring's
/// worst case rather than from whatever the server's random port happens to give.
/// </summary>
public static class LumpyFleet
{
    /// <summary>
    /// Series per target <c>i</c> (labels as the test clusters build them) for <paramref name="sizes"/>, largest first:
    /// the largest go to targets the ring gives to one silo — at least <paramref name="silos"/>.Count of them and at least
    /// a fair share of samples — the rest in target order.
    /// </summary>
    public static int[] Sizes(string address, IReadOnlyList<string> silos, IReadOnlyList<int> sizes)
    {
        var ring = HashRing.Build(silos);
        var owners = Enumerable.Range(0, sizes.Count)
            .Select(t => ring.Owner(TargetKey.Compute(LabelSet.From(("__address__", address), ("__metrics_path__", $"/t/{t}"), ("target", t.ToString())))))
            .ToArray();
        var crowded = owners.GroupBy(o => o).MaxBy(g => g.Count())!.Key;
        var fairShare = sizes.Sum() / (double)silos.Count;
        var heavyTargets = new List<int>();
        var heavySamples = 0L;
        foreach (var target in Enumerable.Range(0, sizes.Count).Where(t => owners[t] == crowded))
        {
            if (heavyTargets.Count >= silos.Count && heavySamples >= fairShare)
            {
                break;
            }
            heavySamples += sizes[heavyTargets.Count];
            heavyTargets.Add(target);
        }
        var order = heavyTargets.Concat(Enumerable.Range(0, sizes.Count).Except(heavyTargets)).ToList();
        var result = new int[sizes.Count];
        for (var rank = 0; rank < order.Count; rank++)
        {
            result[order[rank]] = sizes[rank];
        }
        return result;
    }

    /// <summary>Serves target <c>i</c> as a gauge of <c>sizes[i]</c> series.</summary>
    public static void Serve(ScrapeTargetServer server, IReadOnlyList<int> sizes)
    {
        for (var target = 0; target < sizes.Count; target++)
        {
            var body = new StringBuilder("# TYPE test_series gauge\n");
            for (var series = 0; series < sizes[target]; series++)
            {
                body.Append("test_series{target=\"").Append(target).Append("\",series=\"").Append(series).Append("\"} 1\n");
            }
            server.Serve(target, body.ToString());
        }
    }
}
