namespace AlloyOrleans.Grains.Pyroscope;

/// <summary>A scraped body that is not a usable pprof profile: the scrape of that target fails, nothing else.</summary>
public sealed class ProfileFormatException(string message) : Exception(message);
