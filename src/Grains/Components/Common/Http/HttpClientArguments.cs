using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace AlloyOrleans.Grains.Components.Common.Http;

/// <summary>
/// The HTTP client settings Alloy components share (the subset we support): bearer token, basic auth, TLS files,
/// redirects and HTTP/2. Derive an arguments class from it to take these attributes at its top level.
/// </summary>
public class HttpClientArguments : IValidatableArguments
{
    [Alloy("bearer_token")]
    public string BearerToken { get; set; } = "";

    [Alloy("bearer_token_file")]
    public string BearerTokenFile { get; set; } = "";

    [AlloyBlock("basic_auth")]
    public BasicAuthArguments? BasicAuth { get; set; }

    [AlloyBlock("tls_config")]
    public TlsConfigArguments? TlsConfig { get; set; }

    [Alloy("follow_redirects")]
    public bool FollowRedirects { get; set; } = true;

    [Alloy("enable_http2")]
    public bool EnableHttp2 { get; set; } = true;

    public virtual void Validate()
    {
        var methods = (BearerToken.Length > 0 ? 1 : 0) + (BearerTokenFile.Length > 0 ? 1 : 0) + (BasicAuth is null ? 0 : 1);
        if (methods > 1)
        {
            throw new ComponentArgumentException("bearer_token", "at most one of basic_auth, bearer_token and bearer_token_file must be configured");
        }
    }

    /// <summary>A handler with the TLS and redirect settings; dispose it with the client.</summary>
    public SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = FollowRedirects,
            AutomaticDecompression = DecompressionMethods.GZip,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        if (TlsConfig is { } tls)
        {
            var ssl = new SslClientAuthenticationOptions();
            if (tls.ServerName.Length > 0)
            {
                ssl.TargetHost = tls.ServerName;
            }
            if (tls.CertFile.Length > 0)
            {
                ssl.ClientCertificates = [X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile.Length > 0 ? tls.KeyFile : null)];
            }
            if (tls.InsecureSkipVerify)
            {
                ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
            }
            else if (tls.CaFile.Length > 0)
            {
                var roots = new X509Certificate2Collection();
                roots.ImportFromPemFile(tls.CaFile);
                ssl.CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    RevocationMode = X509RevocationMode.NoCheck,
                };
                ssl.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
            }
            handler.SslOptions = ssl;
        }
        return handler;
    }

    /// <summary>The Authorization header for a request (read each time, so a rotated token file is honoured).</summary>
    public AuthenticationHeaderValue? Authorization()
    {
        if (BearerToken.Length > 0)
        {
            return new AuthenticationHeaderValue("Bearer", BearerToken);
        }
        if (BearerTokenFile.Length > 0)
        {
            return new AuthenticationHeaderValue("Bearer", System.IO.File.ReadAllText(BearerTokenFile).Trim());
        }
        return BasicAuth?.ToHeader();
    }

    /// <summary>The HTTP version policy matching <see cref="EnableHttp2"/>.</summary>
    public Version HttpVersion => EnableHttp2 ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11;
}
