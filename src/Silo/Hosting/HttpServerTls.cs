using System.Security.Cryptography.X509Certificates;
using AlloyOrleans.Silo.CommandLine;
using AlloyOrleans.Silo.Configuration;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using ClientAuthType = AlloyOrleans.Silo.Configuration.HttpServerTlsSettings.ClientAuthType;

namespace AlloyOrleans.Silo.Hosting;

/// <summary>
/// Serves <c>--server.http.listen-addr</c> over HTTPS when the configuration has <c>http { tls { ... } }</c>: the
/// server certificate, and client certificates requested, required and verified against <c>client_ca_file</c> as
/// <c>client_auth_type</c> says (mTLS with RequireAndVerifyClientCert).
/// </summary>
public static class HttpServerTls
{
    /// <summary>The listen URL (http or https) for the server; configures Kestrel's TLS when the block asks for it.</summary>
    public static string Configure(IWebHostBuilder web, HttpServerTlsSettings? tls, string listenAddress)
    {
        if (tls is null)
        {
            return "http://" + listenAddress;
        }
        var certificate = Load(() =>
        {
            using var pem = X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile);
            // An ephemeral PEM key cannot serve TLS on every platform; a PKCS#12 round trip makes it usable.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        }, $"cannot load the HTTP server certificate from cert_file \"{tls.CertFile}\" and key_file \"{tls.KeyFile}\"");
        var authorities = tls.ClientCaFile.Length == 0 ? null : Load(() =>
        {
            var collection = new X509Certificate2Collection();
            collection.ImportFromPemFile(tls.ClientCaFile);
            return collection.Count > 0 ? collection : throw new IOException("no PEM certificate in the file");
        }, $"cannot load client_ca_file \"{tls.ClientCaFile}\"");
        var clientAuth = tls.ParsedClientAuth;

        // The slim host leaves Kestrel's HTTPS out until asked for.
        web.UseKestrelHttpsConfiguration();
        web.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            https.ServerCertificate = certificate;
            https.ClientCertificateMode = clientAuth switch
            {
                ClientAuthType.NoClientCert => ClientCertificateMode.NoCertificate,
                ClientAuthType.RequestClientCert or ClientAuthType.VerifyClientCertIfGiven => ClientCertificateMode.AllowCertificate,
                _ => ClientCertificateMode.RequireCertificate,
            };
            https.ClientCertificateValidation = (client, _, _) => authorities is null || IsIssuedBy(client, authorities);
        }));
        return "https://" + listenAddress;
    }

    private static bool IsIssuedBy(X509Certificate2 client, X509Certificate2Collection authorities)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")); // client authentication
        return chain.Build(client);
    }

    private static T Load<T>(Func<T> load, string what)
    {
        try
        {
            return load();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new UsageException($"{what}: {ex.Message}");
        }
    }
}
