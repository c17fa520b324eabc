using AlloyOrleans.Grains.Http;

namespace AlloyOrleans.Grains.Components.Common.Http;

/// <summary>
/// <c>proxy_url</c>, <c>no_proxy</c> and <c>proxy_from_environment</c>, which Alloy accepts both in the HTTP client
/// block and in its <c>oauth2</c> block (for the token endpoint): both derive from this.
/// </summary>
public abstract class ProxyArguments
{
    [Alloy("proxy_url")]
    public string ProxyUrl { get; set; } = "";

    [Alloy("no_proxy")]
    public string NoProxy { get; set; } = "";

    [Alloy("proxy_from_environment")]
    public bool ProxyFromEnvironment { get; set; }

    protected void ValidateProxy()
    {
        if (ProxyUrl.Length > 0 && (!Uri.TryCreate(ProxyUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https" or "socks5")))
        {
            throw new ComponentArgumentException("proxy_url", $"\"{Redaction.Url(ProxyUrl)}\" is not an absolute http, https or socks5 URL");
        }
        if (ProxyUrl.Length > 0 && ProxyFromEnvironment)
        {
            throw new ComponentArgumentException("proxy_from_environment", "if proxy_from_environment is configured, proxy_url must not be configured");
        }
        if (NoProxy.Length > 0 && ProxyUrl.Length == 0)
        {
            throw new ComponentArgumentException("no_proxy", ProxyFromEnvironment
                ? "if proxy_from_environment is configured, no_proxy must not be configured"
                : "if no_proxy is configured, proxy_url must also be configured");
        }
    }

    protected ProxySettings ToProxySettings() =>
        ProxyUrl.Length == 0 && !ProxyFromEnvironment
            ? ProxySettings.None
            : new ProxySettings { Url = ProxyUrl.Length > 0 ? new Uri(ProxyUrl) : null, NoProxy = NoProxy, FromEnvironment = ProxyFromEnvironment };
}
