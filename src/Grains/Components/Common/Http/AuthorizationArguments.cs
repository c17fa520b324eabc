using AlloyOrleans.Grains.Http;

namespace AlloyOrleans.Grains.Components.Common.Http;

/// <summary>An <c>authorization</c> block: <c>type</c> (default Bearer) with <c>credentials</c> or <c>credentials_file</c>.</summary>
public sealed class AuthorizationArguments
{
    [Alloy("type")]
    public string Type { get; set; } = "Bearer";

    [Alloy("credentials")]
    public string Credentials { get; set; } = "";

    [Alloy("credentials_file")]
    public string CredentialsFile { get; set; } = "";

    /// <summary>Throws for the combinations Prometheus rejects, naming the block.</summary>
    public void Validate()
    {
        if (Credentials.Length > 0 && CredentialsFile.Length > 0)
        {
            throw new ComponentArgumentException("authorization", "at most one of credentials and credentials_file may be set");
        }
        if (string.Equals(Type, "basic", StringComparison.OrdinalIgnoreCase))
        {
            throw new ComponentArgumentException("authorization", "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
        }
    }

    public AuthorizationHeaderAuthentication ToAuthentication() =>
        new(Type.Length > 0 ? Type : "Bearer", Credentials.Length > 0 ? Credentials : null, CredentialsFile.Length > 0 ? CredentialsFile : null);
}
