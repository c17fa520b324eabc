namespace AlloyOrleans.Grains.Components.Pyroscope.Scrape;

/// <summary>A <c>profile.custom "NAME" { … }</c> block: a profile type of the user's, pushed with <c>__name__</c> = NAME.</summary>
public sealed class CustomProfileArguments
{
    [AlloyBlockLabel]
    public string Name { get; set; } = "";

    [Alloy("enabled", Required = true)]
    public bool Enabled { get; init; }

    [Alloy("path", Required = true)]
    public string Path { get; init; } = "";

    [Alloy("delta")]
    public bool Delta { get; init; }
}
