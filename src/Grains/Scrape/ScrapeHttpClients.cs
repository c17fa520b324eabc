using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// One pooled HttpClient per distinct set of job HTTP settings (TLS and compression live on the handler), so
/// connections to targets are reused across scrapes, as Prometheus does.
/// </summary>
public sealed class ScrapeHttpClients : IDisposable
{
    private readonly ConcurrentDictionary<(ScrapeHttpClientSettings Settings, bool Compression), HttpClient> _clients = new();

    public HttpClient For(ScrapeJob job) => _clients.GetOrAdd((job.Http, job.EnableCompression), static key => Create(key.Settings, key.Compression));

    private static HttpClient Create(ScrapeHttpClientSettings settings, bool compression)
    {
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = compression ? DecompressionMethods.GZip : DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            MaxResponseHeadersLength = 64,
            SslOptions = BuildTls(settings),
        };
        // Per-request timeouts come from scrape_timeout.
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static SslClientAuthenticationOptions BuildTls(ScrapeHttpClientSettings settings)
    {
        var options = new SslClientAuthenticationOptions { TargetHost = settings.TlsServerName };
        if (settings.TlsCertFile is { } certFile && settings.TlsKeyFile is { } keyFile)
        {
            options.ClientCertificates = [X509Certificate2.CreateFromPemFile(certFile, keyFile)];
        }
        if (settings.TlsInsecureSkipVerify)
        {
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (settings.TlsCaFile is { } caFile)
        {
            var authority = X509CertificateLoader.LoadCertificateFromFile(caFile);
            options.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
                {
                    return false;
                }
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(authority);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }
        return options;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}
