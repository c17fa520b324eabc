namespace AlloyOrleans.Grains.Abstractions;

/// <summary>
/// One per silo, keyed by the silo's node name and placed on that silo. Silos use it to hand targets over at slot
/// boundaries, so a target that moves is scraped in every slot exactly once.
/// </summary>
[Alias("AlloyOrleans.ScrapeCoordinator")]
public interface IScrapeCoordinatorGrain : IGrainWithStringKey
{
    /// <summary>
    /// Asked by the silo that now owns these targets: stop scraping them and say, for each, the first slot
    /// this silo will not scrape.
    /// </summary>
    [Alias("Release")]
    Task<TargetHandOff[]> Release(string requester, TargetRef[] targets);

    /// <summary>Told by a silo that is leaving: scrape these targets from the given slots on.</summary>
    [Alias("Accept")]
    Task Accept(string sender, TargetHandOff[] handOffs);

    /// <summary>What this silo scrapes now, for the operator API and tests.</summary>
    [Alias("GetStatus")]
    Task<ScrapeSiloStatus> GetStatus();
}
