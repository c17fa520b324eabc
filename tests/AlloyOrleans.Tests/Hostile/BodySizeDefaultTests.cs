using AlloyOrleans.Grains.Components.Prometheus.Scrape;
using AlloyOrleans.Tests.Configuration;
using Xunit;

namespace AlloyOrleans.Tests.Hostile;

/// <summary>A clustered scrape has a finite body_size_limit unless the configuration says otherwise.</summary>
public sealed class BodySizeDefaultTests
{
    private const string Clustered = "\n\tclustering {\n\t\tenabled = true\n\t}\n";

    [Theory]
    [InlineData("", 0L)]
    [InlineData(Clustered, ScrapeArguments.ClusteredDefaultBodySizeLimitBytes)]
    [InlineData("\tbody_size_limit = \"0\"\n" + Clustered, 0L)]
    [InlineData("\tbody_size_limit = \"1MiB\"\n" + Clustered, 1L << 20)]
    public async Task The_default_is_64_MiB_with_clustering_and_an_explicit_value_wins(string body, long expected)
    {
        var job = await ScrapeComponent.ToJobAsync("prometheus.scrape.web", ScrapeArgumentsTests.Decode(body), CancellationToken.None);
        Assert.Equal(expected, job.BodySizeLimitBytes);
    }
}
