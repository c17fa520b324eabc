namespace AlloyOrleans.Grains.Placement;

/// <summary>How often a silo polls the weights tables and reports its measurements.</summary>
public sealed class TablePollingOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A grain call that takes longer fails, and the silo keeps the table it holds.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public PlacementOptions Placement { get; set; } = PlacementOptions.Default;
}
