using AlloyOrleans.Grains.Components;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>The top-level <c>http</c> block, as Alloy's: TLS for the HTTP server (<c>tls</c>).</summary>
public sealed class HttpServerSettings
{
    [AlloyBlock("tls")]
    public HttpServerTlsSettings? Tls { get; init; }
}

/// <summary>
/// <c>http { tls { ... } }</c>: the server certificate, and clients authenticated by certificates of
/// <c>client_ca_file</c> as <c>client_auth_type</c> says (Go's names, as Alloy takes them).
/// </summary>
public sealed class HttpServerTlsSettings : IValidatableArguments
{
    public enum ClientAuthType
    {
        NoClientCert,
        RequestClientCert,
        RequireAnyClientCert,
        VerifyClientCertIfGiven,
        RequireAndVerifyClientCert,
    }

    [Alloy("cert_file", Required = true)]
    public string CertFile { get; init; } = "";

    [Alloy("key_file", Required = true)]
    public string KeyFile { get; init; } = "";

    [Alloy("client_ca_file")]
    public string ClientCaFile { get; init; } = "";

    [Alloy("client_auth_type")]
    public string ClientAuth { get; init; } = nameof(ClientAuthType.NoClientCert);

    public ClientAuthType ParsedClientAuth =>
        Enum.TryParse<ClientAuthType>(ClientAuth, ignoreCase: false, out var type) && Enum.IsDefined(type)
            ? type
            : throw new ComponentArgumentException("client_auth_type",
                $"unknown client_auth_type \"{ClientAuth}\" (one of {string.Join(", ", Enum.GetNames<ClientAuthType>())})");

    /// <summary>Whether a client certificate that is presented must chain to <see cref="ClientCaFile"/>.</summary>
    public bool VerifiesClients => ParsedClientAuth is ClientAuthType.VerifyClientCertIfGiven or ClientAuthType.RequireAndVerifyClientCert;

    public void Validate()
    {
        if (VerifiesClients && ClientCaFile.Length == 0)
        {
            throw new ComponentArgumentException("client_ca_file", $"client_auth_type \"{ClientAuth}\" needs client_ca_file");
        }
        if (!VerifiesClients && ClientCaFile.Length > 0)
        {
            throw new ComponentArgumentException("client_auth_type",
                $"client_ca_file is set but client_auth_type \"{ClientAuth}\" does not verify client certificates (use RequireAndVerifyClientCert)");
        }
    }
}
