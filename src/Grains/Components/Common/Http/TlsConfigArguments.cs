namespace AlloyOrleans.Grains.Components.Common.Http;

/// <summary>A <c>tls_config</c> block (the file-based settings).</summary>
public sealed class TlsConfigArguments
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
}
