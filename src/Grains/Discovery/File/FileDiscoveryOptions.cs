namespace AlloyOrleans.Grains.Discovery.File;

/// <summary>Settings of file-based discovery (Prometheus' file_sd_config, Alloy's discovery.file).</summary>
public sealed record FileDiscoveryOptions
{
    /// <summary>Paths or glob patterns of JSON (<c>.json</c>) or YAML (anything else) target files.</summary>
    public required IReadOnlyList<string> Files { get; init; }

    /// <summary>How often to re-read every file even without a change notification.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMinutes(5);
}
