using AlloyOrleans.Grains.Components;

namespace AlloyOrleans.Silo.Configuration.Modules.Imports;

/// <summary>The arguments of <c>import.http</c>, as Alloy's reference names them.</summary>
public sealed class ImportHttpArguments : IValidatableArguments
{
    [Alloy("url", Required = true)]
    public string Url { get; set; } = "";

    [Alloy("method")]
    public string Method { get; set; } = "GET";

    [Alloy("headers")]
    public IReadOnlyDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>();

    [Alloy("poll_frequency")]
    public TimeSpan PollFrequency { get; set; } = TimeSpan.FromMinutes(1);

    [Alloy("poll_timeout")]
    public TimeSpan PollTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public void Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new ComponentArgumentException("url", $"url must be an http or https URL, got \"{Url}\"");
        }
        if (PollFrequency <= TimeSpan.Zero)
        {
            throw new ComponentArgumentException("poll_frequency", "poll_frequency must be greater than 0");
        }
        if (PollTimeout <= TimeSpan.Zero || PollTimeout > PollFrequency)
        {
            throw new ComponentArgumentException("poll_timeout", "poll_timeout must be greater than 0 and at most poll_frequency");
        }
    }
}
