namespace AlloyOrleans.Grains.Ownership;

/// <summary>What the planner needs to know about one discovered target: its slot interval and whether it is shared out.</summary>
/// <param name="IntervalMs">The scrape interval in whole milliseconds (at least 1).</param>
/// <param name="Clustered">False when every silo scrapes it (its job has clustering off).</param>
public readonly record struct TargetSpec(long IntervalMs, bool Clustered);
