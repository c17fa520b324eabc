namespace AlloyOrleans.Grains.Abstractions;

/// <summary>
/// One per silo, keyed by the silo's node name and placed on that silo. Silos use it to hand targets over at slot
/// boundaries, so a target that moves is scraped in every slot exactly once.
/// </summary>
[Alias("AlloyOrleans.ScrapeCoordinator")]
public interface IScrapeCoordinatorGrain : IGrainWithStringKey
{
    /// <summary>
    /// Asked by a silo that now owns these targets: stop scraping them and say, for each, the first slot this silo
    /// will not scrape — or where it went, or that this silo is acquiring it itself, or that it never had it.
    /// </summary>
    [Alias("Release")]
    /// <param name="requesterGeneration">The asking process's Orleans generation: a restart under the same name is another process.</param>
    Task<ReleaseAnswer[]> Release(string requester, int requesterGeneration, TargetRef[] targets);

    /// <summary>
    /// Told by a silo that leaves or no longer owns these targets: scrape them from the given slots on. Returns, for
    /// each, whether this silo took it; a silo that is stopping or fenced refuses, and the sender keeps the target or
    /// offers it to the next successor.
    /// </summary>
    [Alias("Accept")]
    Task<bool[]> Accept(string sender, TargetHandOff[] handOffs);

    /// <summary>Answers when this silo can be reached: a peer's evidence that the caller is still a member.</summary>
    [Alias("Ping")]
    Task Ping();

    /// <summary>What this silo scrapes now, for the operator API and tests.</summary>
    [Alias("GetStatus")]
    Task<ScrapeSiloStatus> GetStatus();
}
