using AlloyOrleans.Grains.Http;

namespace AlloyOrleans.Grains.Components.Common.Http;

/// <summary>A <c>tls_config</c> block (the file-based settings).</summary>
public sealed class TlsConfigArguments : IValidatableArguments
{
    [Alloy("ca_file")]
    public string CaFile { get; set; } = "";

    [Alloy("cert_file")]
    public string CertFile { get; set; } = "";

    [Alloy("key_file")]
    public string KeyFile { get; set; } = "";

    [Alloy("server_name")]
    public string ServerName { get; set; } = "";

    [Alloy("insecure_skip_verify")]
    public bool InsecureSkipVerify { get; set; }

    public void Validate()
    {
        if (CertFile.Length > 0 && KeyFile.Length == 0)
        {
            throw new ComponentArgumentException("cert_file", "exactly one of key_file or key_pem must be configured when a client certificate is configured");
        }
        if (KeyFile.Length > 0 && CertFile.Length == 0)
        {
            throw new ComponentArgumentException("key_file", "exactly one of cert_file or cert_pem must be configured when a client key is configured");
        }
    }

    public TlsSettings ToSettings() => new()
    {
        CaFile = NullIfEmpty(CaFile),
        CertFile = NullIfEmpty(CertFile),
        KeyFile = NullIfEmpty(KeyFile),
        ServerName = NullIfEmpty(ServerName),
        InsecureSkipVerify = InsecureSkipVerify,
    };

    private static string? NullIfEmpty(string value) => value.Length > 0 ? value : null;
}
