namespace AlloyOrleans.Grains.Http;

/// <summary>How requests are authenticated. Secret files are read per request, so a rotated file is honoured.</summary>
public abstract record HttpAuthentication;

/// <summary><c>Authorization: TYPE CREDENTIALS</c> (bearer_token, bearer_token_file and the authorization block).</summary>
public sealed record AuthorizationHeaderAuthentication(string Type, string? Credentials, string? CredentialsFile) : HttpAuthentication;

/// <summary>basic_auth.</summary>
public sealed record BasicAuthentication(string Username, string? Password, string? PasswordFile) : HttpAuthentication;

/// <summary>
/// oauth2 with the client-credentials grant: a token from <see cref="TokenUrl"/>, cached until shortly before it expires.
/// <see cref="Scopes"/> is space-separated and <see cref="EndpointParams"/> form-encoded, as they are sent (and so
/// that settings stay values).
/// </summary>
public sealed record OAuth2Authentication : HttpAuthentication
{
    public required string ClientId { get; init; }

    public string? ClientSecret { get; init; }

    public string? ClientSecretFile { get; init; }

    public required Uri TokenUrl { get; init; }

    public string Scopes { get; init; } = "";

    public string EndpointParams { get; init; } = "";

    /// <summary>TLS and proxy for the token endpoint itself.</summary>
    public TlsSettings? Tls { get; init; }

    public ProxySettings Proxy { get; init; } = ProxySettings.None;
}
