using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace AlloyOrleans.Grains.Http;

/// <summary>
/// The one place HTTP client handlers are built from <see cref="HttpClientSettings"/>: TLS (private CA, server_name,
/// client certificate, insecure_skip_verify), proxy, redirects, and — in an outer handler — authentication and the
/// HTTP version. What a user needs in addition (decompression, a connect timeout) is a parameter.
/// </summary>
public static class HttpHandlerFactory
{
    /// <summary>The handler chain for <paramref name="settings"/>; the caller owns it (dispose it with its client).</summary>
    public static HttpMessageHandler Create(
        HttpClientSettings settings, DecompressionMethods decompression = DecompressionMethods.None, TimeSpan? connectTimeout = null)
    {
        var sockets = new SocketsHttpHandler
        {
            AutomaticDecompression = decompression,
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        Configure(sockets, settings);
        return new ClientSettingsHandler(settings, sockets);
    }

    /// <summary>The outer handler alone (authentication, HTTP version), for a library that builds the inner one.</summary>
    public static DelegatingHandler CreateRequestHandler(HttpClientSettings settings) => new ClientSettingsHandler(settings);

    /// <summary>Applies the TLS, proxy and redirect settings to a handler another library creates (the Kubernetes client).</summary>
    public static void Configure(SocketsHttpHandler handler, HttpClientSettings settings)
    {
        handler.AllowAutoRedirect = settings.FollowRedirects;
        ProxyFactory.Apply(handler, settings.Proxy);
        if (settings.Tls is { } tls)
        {
            handler.SslOptions = CreateSslOptions(tls);
        }
    }

    /// <summary>
    /// Like Prometheus (Go's TLS): trust exactly the configured CA when one is given, check the certificate's name
    /// against server_name when given (the URL's host otherwise), and ask for no revocation lists.
    /// </summary>
    public static SslClientAuthenticationOptions CreateSslOptions(TlsSettings tls)
    {
        var ssl = new SslClientAuthenticationOptions();
        if (Pem(tls.CertPem, tls.CertFile) is { } certificate)
        {
            ssl.ClientCertificates = [X509Certificate2.CreateFromPem(certificate, Pem(tls.KeyPem, tls.KeyFile) ?? certificate)];
        }
        if (tls.InsecureSkipVerify)
        {
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
            return ssl;
        }
        var policy = new X509ChainPolicy { RevocationMode = X509RevocationMode.NoCheck };
        if (Pem(tls.CaPem, tls.CaFile) is { } ca)
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPem(ca);
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(authorities);
        }
        if (tls.ServerName is { Length: > 0 } serverName)
        {
            // The handler checks names against the URL's host (and sends it as SNI); server_name replaces it, so the
            // whole check happens here.
            ssl.TargetHost = serverName;
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, _) => IsTrusted(certificate, policy, serverName);
        }
        else
        {
            ssl.CertificateChainPolicy = policy;
        }
        return ssl;
    }

    /// <summary>PEM given inline, else read from its file, else null.</summary>
    private static string? Pem(string? text, string? file) =>
        text is { Length: > 0 } ? text : file is { Length: > 0 } ? File.ReadAllText(file) : null;

    private static bool IsTrusted(X509Certificate? certificate, X509ChainPolicy policy, string serverName)
    {
        if (certificate is null)
        {
            return false;
        }
        using var owned = certificate as X509Certificate2 is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        var leaf = owned ?? (X509Certificate2)certificate;
        using var chain = new X509Chain { ChainPolicy = policy.Clone() };
        return chain.Build(leaf) && leaf.MatchesHostname(serverName);
    }
}
