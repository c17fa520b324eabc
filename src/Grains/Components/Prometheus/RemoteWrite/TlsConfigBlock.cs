namespace AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;

/// <summary>A <c>tls_config</c> block (PEM files).</summary>
public sealed class TlsConfigBlock
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
