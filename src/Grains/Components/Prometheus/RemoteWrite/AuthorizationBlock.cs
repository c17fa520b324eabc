namespace AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;

/// <summary>An <c>authorization</c> block: <c>Authorization: &lt;type&gt; &lt;credentials&gt;</c>.</summary>
public sealed class AuthorizationBlock
{
    [Alloy("type")]
    public string Type { get; set; } = "Bearer";

    [Alloy("credentials")]
    public string Credentials { get; set; } = "";

    [Alloy("credentials_file")]
    public string CredentialsFile { get; set; } = "";

    internal void Validate()
    {
        if (Credentials.Length > 0 && CredentialsFile.Length > 0)
        {
            throw new ComponentArgumentException("credentials", "at most one of credentials and credentials_file may be set");
        }
        if (string.Equals(Type, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            throw new ComponentArgumentException("type", "use the basic_auth block for Basic authorization");
        }
    }
}
