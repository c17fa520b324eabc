using System.Net;

namespace AlloyOrleans.Grains.Http;

/// <summary>proxy_url with no_proxy, or the environment's proxy, or none (Prometheus' default).</summary>
internal static class ProxyFactory
{
    public static void Apply(SocketsHttpHandler handler, ProxySettings proxy)
    {
        if (proxy.Url is { } url)
        {
            handler.UseProxy = true;
            handler.Proxy = new ConfiguredProxy(url, NoProxyList.Parse(proxy.NoProxy));
        }
        else
        {
            // With no Proxy of its own the handler uses HttpClient.DefaultProxy: HTTP_PROXY, HTTPS_PROXY, NO_PROXY.
            handler.UseProxy = proxy.FromEnvironment;
            handler.Proxy = null;
        }
    }

    private sealed class ConfiguredProxy(Uri url, NoProxyList bypass) : IWebProxy
    {
        public ICredentials? Credentials { get; set; }

        public Uri GetProxy(Uri destination) => url;

        public bool IsBypassed(Uri host) => bypass.Matches(host);
    }
}
