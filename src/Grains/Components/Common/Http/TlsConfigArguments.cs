using AlloyOrleans.Grains.Http;

namespace AlloyOrleans.Grains.Components.Common.Http;

/// <summary>A <c>tls_config</c> block: each of the CA, certificate and key as a file or as PEM text.</summary>
public sealed class TlsConfigArguments : IValidatableArguments
{
    [Alloy("ca_file")]
    public string CaFile { get; set; } = "";

    [Alloy("ca_pem")]
    public string CaPem { get; set; } = "";

    [Alloy("cert_file")]
    public string CertFile { get; set; } = "";

    [Alloy("cert_pem")]
    public string CertPem { get; set; } = "";

    [Alloy("key_file")]
    public string KeyFile { get; set; } = "";

    [Alloy("key_pem")]
    public string KeyPem { get; set; } = "";

    [Alloy("server_name")]
    public string ServerName { get; set; } = "";

    [Alloy("insecure_skip_verify")]
    public bool InsecureSkipVerify { get; set; }

    public void Validate()
    {
        foreach (var (file, pem, name) in new[] { (CaFile, CaPem, "ca"), (CertFile, CertPem, "cert"), (KeyFile, KeyPem, "key") })
        {
            if (file.Length > 0 && pem.Length > 0)
            {
                throw new ComponentArgumentException($"{name}_pem", $"at most one of {name}_file and {name}_pem must be configured");
            }
        }
        var hasCert = CertFile.Length > 0 || CertPem.Length > 0;
        var hasKey = KeyFile.Length > 0 || KeyPem.Length > 0;
        if (hasCert && !hasKey)
        {
            throw new ComponentArgumentException(CertFile.Length > 0 ? "cert_file" : "cert_pem", "exactly one of key_file or key_pem must be configured when a client certificate is configured");
        }
        if (hasKey && !hasCert)
        {
            throw new ComponentArgumentException(KeyFile.Length > 0 ? "key_file" : "key_pem", "exactly one of cert_file or cert_pem must be configured when a client key is configured");
        }
    }

    public TlsSettings ToSettings() => new()
    {
        CaFile = NullIfEmpty(CaFile),
        CaPem = NullIfEmpty(CaPem),
        CertFile = NullIfEmpty(CertFile),
        CertPem = NullIfEmpty(CertPem),
        KeyFile = NullIfEmpty(KeyFile),
        KeyPem = NullIfEmpty(KeyPem),
        ServerName = NullIfEmpty(ServerName),
        InsecureSkipVerify = InsecureSkipVerify,
    };

    private static string? NullIfEmpty(string value) => value.Length > 0 ? value : null;
}
