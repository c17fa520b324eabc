using AlloyOrleans.Grains.Membership;
using Orleans.Runtime;

namespace AlloyOrleans.Grains.Discovery.Shared;

/// <summary>
/// The runner's record of which silos hold its current list. Silos are tracked by address, so a silo restarted
/// under its old name (a new generation) is a new silo that gets the list again; silos that left are forgotten.
/// </summary>
public sealed class DeliveryTracker
{
    private readonly Dictionary<SiloAddress, long> _acknowledged = [];

    /// <summary>The active silos other than this one that have not acknowledged <paramref name="version"/> or a later one.</summary>
    public IReadOnlyList<(string Name, SiloAddress Silo)> Due(ClusterView view, long version)
    {
        var active = view.ActiveByName.Values.ToHashSet();
        foreach (var gone in _acknowledged.Keys.Where(s => !active.Contains(s)).ToList())
        {
            _acknowledged.Remove(gone);
        }
        return view.ActiveByName
            .Where(p => p.Key != view.LocalName && _acknowledged.GetValueOrDefault(p.Value) < version)
            .Select(p => (p.Key, p.Value))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Records that <paramref name="silo"/> holds <paramref name="version"/> (what its Offer returned).</summary>
    public void Acknowledge(SiloAddress silo, long version) =>
        _acknowledged[silo] = Math.Max(version, _acknowledged.GetValueOrDefault(silo));
}
