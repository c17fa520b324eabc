using AlloyOrleans.Grains.Components.Common.Http;

namespace AlloyOrleans.Grains.Components.Pyroscope.Write;

/// <summary>An <c>endpoint</c> block of <c>pyroscope.write</c>, with Alloy's defaults.</summary>
public sealed class WriteEndpointArguments : HttpClientArguments
{
    [Alloy("url", Required = true)]
    public string Url { get; init; } = "";

    [Alloy("name")]
    public string Name { get; init; } = "";

    [Alloy("remote_timeout")]
    public TimeSpan RemoteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    [Alloy("headers")]
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    [Alloy("min_backoff_period")]
    public TimeSpan MinBackoffPeriod { get; init; } = TimeSpan.FromMilliseconds(500);

    [Alloy("max_backoff_period")]
    public TimeSpan MaxBackoffPeriod { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Retries before a push is given up; 0 retries forever.</summary>
    [Alloy("max_backoff_retries")]
    public int MaxBackoffRetries { get; init; } = 10;

    public override void Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new ComponentArgumentException("url", $"invalid URL \"{Url}\": must be an absolute http or https URL");
        }
        if (RemoteTimeout <= TimeSpan.Zero)
        {
            throw new ComponentArgumentException("remote_timeout", "must be greater than 0");
        }
        if (MinBackoffPeriod <= TimeSpan.Zero || MaxBackoffPeriod < MinBackoffPeriod)
        {
            throw new ComponentArgumentException(MinBackoffPeriod <= TimeSpan.Zero ? "min_backoff_period" : "max_backoff_period",
                "backoff periods must be positive, the maximum at least the minimum");
        }
        if (MaxBackoffRetries < 0)
        {
            throw new ComponentArgumentException("max_backoff_retries", "must not be negative");
        }
        base.Validate();
    }
}
