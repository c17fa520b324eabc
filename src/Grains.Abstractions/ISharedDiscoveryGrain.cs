namespace AlloyOrleans.Grains.Abstractions;

/// <summary>
/// One per silo, keyed by the silo's node name and placed on that silo: where the silo that runs a shared discovery
/// component (<c>clustering { enabled = true }</c> in a <c>discovery.*</c> block) delivers its target lists.
/// </summary>
[Alias("AlloyOrleans.SharedDiscovery")]
public interface ISharedDiscoveryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Keeps <paramref name="list"/> if it is newer than the list this silo has for its component, and returns the
    /// version this silo holds afterwards (the list's own, or a higher one it already had).
    /// </summary>
    [Alias("Offer")]
    Task<long> Offer(SharedTargetList list);

    /// <summary>The version of the list this silo holds for a component (0 if none): a new runner starts above it.</summary>
    [Alias("GetVersion")]
    Task<long> GetVersion(string componentId);
}
