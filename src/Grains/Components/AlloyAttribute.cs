namespace AlloyOrleans.Grains.Components;

/// <summary>
/// Maps a property of an arguments or exports class to an Alloy attribute (<c>scrape_interval = "15s"</c>).
/// Supported property types: string (numbers convert), bool, int, long, double, TimeSpan (Alloy duration strings), Uri, enums
/// (lower_snake_case names), <see cref="Abstractions.LabelSet"/> (an object of strings), lists of these,
/// <c>IReadOnlyDictionary&lt;string, string&gt;</c>, and capsules such as <see cref="Scrape.ISampleSink"/>.
/// A property without <see cref="Required"/> keeps its initialiser as Alloy's default.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class AlloyAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    public bool Required { get; init; }
}
