namespace AlloyOrleans.Grains.Placement;

/// <summary>How often a silo polls the weights tables and reports its measurements.</summary>
public sealed class TablePollingOptions
{
    /// <summary>
    /// Silos learn a new table up to this far apart. Well under the hand-off's answer timeout (5 s), so a silo that gave a
    /// target to a peer with a newer table does not ask for it back before it has the table too.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A grain call that takes longer fails, and the silo keeps the table it holds.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public PlacementOptions Placement { get; set; } = PlacementOptions.Default;
}
