using AlloyOrleans.Grains.Http;

namespace AlloyOrleans.Grains.Components.Common.Http;

/// <summary>
/// Alloy's HTTP client settings, the one declaration every HTTP component takes at its top level (derive from it):
/// bearer token, basic_auth, authorization, oauth2, tls_config, proxy_url / no_proxy / proxy_from_environment,
/// follow_redirects and enable_http2. <see cref="ToSettings"/> resolves them for <see cref="HttpHandlerFactory"/>.
/// </summary>
public class HttpClientArguments : ProxyArguments, IValidatableArguments
{
    [Alloy("bearer_token")]
    public string BearerToken { get; set; } = "";

    [Alloy("bearer_token_file")]
    public string BearerTokenFile { get; set; } = "";

    [AlloyBlock("basic_auth")]
    public BasicAuthArguments? BasicAuth { get; set; }

    [AlloyBlock("authorization")]
    public AuthorizationArguments? Authorization { get; set; }

    [AlloyBlock("oauth2")]
    public OAuth2Arguments? OAuth2 { get; set; }

    [AlloyBlock("tls_config")]
    public TlsConfigArguments? TlsConfig { get; set; }

    [Alloy("follow_redirects")]
    public bool FollowRedirects { get; set; } = true;

    [Alloy("enable_http2")]
    public bool EnableHttp2 { get; set; } = true;

    /// <summary>Alloy's rules: one way of authenticating, and a proxy given one way.</summary>
    public virtual void Validate()
    {
        var methods = new (string Name, bool Set)[]
        {
            ("bearer_token", BearerToken.Length > 0),
            ("bearer_token_file", BearerTokenFile.Length > 0),
            ("basic_auth", BasicAuth is not null),
            ("authorization", Authorization is not null),
            ("oauth2", OAuth2 is not null),
        }.Where(m => m.Set).Select(m => m.Name).ToList();
        if (methods.Count > 1)
        {
            throw new ComponentArgumentException(methods[1], $"at most one of {string.Join(", ", methods)} may be set");
        }
        ValidateProxy();
        BasicAuth?.Validate();
        Authorization?.Validate();
    }

    /// <summary>The resolved settings (secret files stay paths: they are read per request).</summary>
    public HttpClientSettings ToSettings() => new()
    {
        Authentication =
            BearerToken.Length > 0 ? new AuthorizationHeaderAuthentication("Bearer", BearerToken, null)
            : BearerTokenFile.Length > 0 ? new AuthorizationHeaderAuthentication("Bearer", null, BearerTokenFile)
            : BasicAuth is { } basic ? basic.ToAuthentication()
            : Authorization is { } authorization ? authorization.ToAuthentication()
            : OAuth2?.ToAuthentication(),
        Tls = TlsConfig?.ToSettings(),
        Proxy = ToProxySettings(),
        FollowRedirects = FollowRedirects,
        EnableHttp2 = EnableHttp2,
    };
}
