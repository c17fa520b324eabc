using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using AlloyOrleans.Silo.CommandLine;
using Orleans.Connections.Security;

namespace AlloyOrleans.Silo.Hosting;

/// <summary>
/// Mutual TLS between silos (<c>--cluster.enable-tls</c>): every silo presents the certificate from
/// <c>--cluster.tls-cert-path</c>/<c>--cluster.tls-key-path</c> and demands one from its peer, which must chain to the
/// CA of <c>--cluster.tls-ca-path</c> (the system roots when no CA is given). When <c>--cluster.tls-server-name</c>
/// is set, the certificate of the silo being dialled must also carry that name. A silo whose certificate does not
/// verify cannot open a connection to any member, so it never joins.
/// </summary>
public static class SiloTls
{
    public static void Configure(ISiloBuilder silo, RunOptions options)
    {
        var certificate = LoadCertificate(options);
        var authorities = options.TlsCaPath is null ? null : LoadAuthorities(options.TlsCaPath);
        var requireServerName = !string.IsNullOrEmpty(options.TlsServerName);

        silo.UseTls(certificate, tls =>
        {
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.RemoteCertificateValidation = (remote, _, errors) => IsTrusted(remote, errors, authorities, requireServerName);
            tls.OnAuthenticateAsClient = (_, client) =>
            {
                // Silos dial each other by IP; the name the peer's certificate must carry comes from the flag.
                client.TargetHost = requireServerName ? options.TlsServerName! : "alloy-orleans";
            };
        });
    }

    private static bool IsTrusted(X509Certificate2? remote, SslPolicyErrors errors, X509Certificate2Collection? authorities, bool requireServerName)
    {
        if (remote is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }
        if (requireServerName && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }
        if (authorities is null)
        {
            return !errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors);
        }
        // The platform's verdict on the chain is against the system roots; ours is against the cluster's CA only.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(remote);
    }

    private static X509Certificate2 LoadCertificate(RunOptions options)
    {
        try
        {
            var pem = X509Certificate2.CreateFromPemFile(options.TlsCertPath!, options.TlsKeyPath);
            // On some platforms an ephemeral PEM key cannot be used by SslStream; a PKCS#12 round trip fixes that.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new UsageException($"cannot load the silo certificate from --cluster.tls-cert-path \"{options.TlsCertPath}\" and --cluster.tls-key-path \"{options.TlsKeyPath}\": {ex.Message}");
        }
    }

    private static X509Certificate2Collection LoadAuthorities(string path)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new UsageException($"cannot load the CA from --cluster.tls-ca-path \"{path}\": {ex.Message}");
        }
        return authorities.Count > 0
            ? authorities
            : throw new UsageException($"--cluster.tls-ca-path \"{path}\" holds no PEM certificate");
    }
}
