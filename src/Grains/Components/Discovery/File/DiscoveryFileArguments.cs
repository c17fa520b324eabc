namespace AlloyOrleans.Grains.Components.Discovery.File;

/// <summary>The arguments of <c>discovery.file</c>, as Alloy's reference names them.</summary>
public sealed class DiscoveryFileArguments : IValidatableArguments, IClusteredDiscoveryArguments
{
    /// <summary>Our extension: one silo runs this discovery for the cluster.</summary>
    [AlloyBlock("clustering")]
    public DiscoveryClusteringArguments? Clustering { get; set; }

    /// <summary>Files (globs allowed) to read targets from.</summary>
    [Alloy("files", Required = true)]
    public IReadOnlyList<string> Files { get; set; } = [];

    [Alloy("refresh_interval")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    public void Validate()
    {
        if (Files.Count == 0)
        {
            throw new ComponentArgumentException("files", "at least one file or pattern is required");
        }
        if (RefreshInterval <= TimeSpan.Zero)
        {
            throw new ComponentArgumentException("refresh_interval", "refresh_interval must be greater than 0");
        }
    }
}
