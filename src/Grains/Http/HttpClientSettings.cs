namespace AlloyOrleans.Grains.Http;

/// <summary>
/// How a component's HTTP client talks to its server (Alloy's shared HTTP client block, resolved): authentication,
/// TLS, proxy, redirects, HTTP/2. Scrape, discovery, remote_write and profiling all build their handlers from this
/// with <see cref="HttpHandlerFactory"/>. A value: equal settings share pooled connections.
/// </summary>
public sealed record HttpClientSettings
{
    public static readonly HttpClientSettings Default = new();

    /// <summary>bearer_token(_file), basic_auth, authorization or oauth2; null sends no Authorization header.</summary>
    public HttpAuthentication? Authentication { get; init; }

    public TlsSettings? Tls { get; init; }

    public ProxySettings Proxy { get; init; } = ProxySettings.None;

    public bool FollowRedirects { get; init; } = true;

    /// <summary>Offer HTTP/2 (negotiated over TLS); false pins HTTP/1.1.</summary>
    public bool EnableHttp2 { get; init; } = true;
}

/// <summary>A <c>tls_config</c> block: PEM files (read when a handler is built) or PEM text.</summary>
public sealed record TlsSettings
{
    public string? CaFile { get; init; }

    public string? CaPem { get; init; }

    public string? CertFile { get; init; }

    public string? CertPem { get; init; }

    public string? KeyFile { get; init; }

    public string? KeyPem { get; init; }

    /// <summary>The name the server's certificate must carry (and the SNI sent), instead of the URL's host.</summary>
    public string? ServerName { get; init; }

    public bool InsecureSkipVerify { get; init; }
}

/// <summary><c>proxy_url</c>, <c>no_proxy</c> and <c>proxy_from_environment</c>.</summary>
public sealed record ProxySettings
{
    public static readonly ProxySettings None = new();

    public Uri? Url { get; init; }

    /// <summary>Comma-separated hosts, domains (<c>.example.com</c>), IPs and CIDR ranges reached directly.</summary>
    public string NoProxy { get; init; } = "";

    /// <summary>Use HTTP_PROXY / HTTPS_PROXY / NO_PROXY of the process environment.</summary>
    public bool FromEnvironment { get; init; }
}
