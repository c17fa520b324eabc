using AlloyOrleans.Grains.Http;

namespace AlloyOrleans.Grains.Components.Common.Http;

/// <summary>An <c>oauth2</c> block (client-credentials grant), with its own TLS and proxy for the token endpoint.</summary>
public sealed class OAuth2Arguments : ProxyArguments, IValidatableArguments
{
    [Alloy("client_id")]
    public string ClientId { get; set; } = "";

    [Alloy("client_secret")]
    public string ClientSecret { get; set; } = "";

    [Alloy("client_secret_file")]
    public string ClientSecretFile { get; set; } = "";

    [Alloy("token_url")]
    public string TokenUrl { get; set; } = "";

    [Alloy("scopes")]
    public IReadOnlyList<string> Scopes { get; set; } = [];

    [Alloy("endpoint_params")]
    public IReadOnlyDictionary<string, string> EndpointParams { get; set; } = new Dictionary<string, string>();

    [AlloyBlock("tls_config")]
    public TlsConfigArguments? TlsConfig { get; set; }

    public void Validate()
    {
        if (ClientSecret.Length > 0 && ClientSecretFile.Length > 0)
        {
            throw new ComponentArgumentException("client_secret", "at most one of client_secret and client_secret_file may be set");
        }
        if (!Uri.TryCreate(TokenUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new ComponentArgumentException("token_url", $"\"{TokenUrl}\" is not an absolute http or https URL");
        }
        ValidateProxy();
    }

    public OAuth2Authentication ToAuthentication() => new()
    {
        ClientId = ClientId,
        ClientSecret = ClientSecret.Length > 0 ? ClientSecret : null,
        ClientSecretFile = ClientSecretFile.Length > 0 ? ClientSecretFile : null,
        TokenUrl = new Uri(TokenUrl),
        Scopes = string.Join(' ', Scopes),
        EndpointParams = string.Join('&', EndpointParams.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value))),
        Tls = TlsConfig?.ToSettings(),
        Proxy = ToProxySettings(),
    };
}
