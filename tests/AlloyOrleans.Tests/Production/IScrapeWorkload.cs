using AlloyOrleans.Tests.Infrastructure;

namespace AlloyOrleans.Tests.Production;

/// <summary>
/// What the silos of a <see cref="SiloProcessCluster"/> scrape: the one Alloy configuration they all load (each silo
/// names itself in a <c>silo</c> scrape parameter read from <see cref="SiloProcessCluster.SiloVariable"/>) and, for
/// every scheduled target by index, its ring key and the scrapes its server recorded, so the cluster can count scrapes
/// per target per slot and tell who scraped.
/// </summary>
public interface IScrapeWorkload : IAsyncDisposable
{
    /// <summary>The configuration file's text for this scrape interval.</summary>
    string Configuration(TimeSpan interval);

    /// <summary>How many scheduled targets there are (indexes 0 … Count − 1).</summary>
    int Count { get; }

    /// <summary>The ring key the silos compute for the scheduled target.</summary>
    ulong KeyOf(int index);

    /// <summary>Every scrape of the scheduled target so far, with the scraper's name.</summary>
    IReadOnlyList<ScrapeTargetServer.Scrape> ScrapesOf(int index);
}
