namespace AlloyOrleans.Grains.Pyroscope;

/// <summary>One enabled profile type of a <c>pyroscope.scrape</c> job: its name, endpoint path and whether it is a delta profile.</summary>
public sealed record ProfileTargetSpec(string Name, string Path, bool Delta);
