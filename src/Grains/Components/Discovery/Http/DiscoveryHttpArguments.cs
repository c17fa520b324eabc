using AlloyOrleans.Grains.Components.Common.Http;
using AlloyOrleans.Grains.Http;

namespace AlloyOrleans.Grains.Components.Discovery.Http;

/// <summary>The arguments of <c>discovery.http</c>, as Alloy's reference names them (with the shared HTTP client settings).</summary>
public sealed class DiscoveryHttpArguments : HttpClientArguments, IClusteredDiscoveryArguments
{
    /// <summary>Our extension: one silo runs this discovery for the cluster.</summary>
    [AlloyBlock("clustering")]
    public DiscoveryClusteringArguments? Clustering { get; set; }

    [Alloy("url", Required = true)]
    public string Url { get; set; } = "";

    [Alloy("refresh_interval")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(60);

    public override void Validate()
    {
        base.Validate();
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ComponentArgumentException("url", $"URL scheme must be 'http' or 'https', got \"{Redaction.Url(Url)}\"");
        }
        if (RefreshInterval <= TimeSpan.Zero)
        {
            throw new ComponentArgumentException("refresh_interval", "refresh_interval must be greater than 0");
        }
    }
}
