using System.IO.Hashing;
using System.Net.Http.Headers;
using System.Text;
using AlloyOrleans.Grains.RemoteWrite;

namespace AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;

/// <summary>Turns validated <c>endpoint</c> blocks into the engine's options (reading credential files now).</summary>
internal static class EndpointOptionsMapper
{
    public static RemoteWriteEndpointOptions ToOptions(EndpointBlock block, IWriteRelabelCompiler? relabelCompiler)
    {
        var url = new Uri(block.Url);
        var queue = block.QueueConfig;
        Func<AlloyOrleans.Grains.Abstractions.LabelSet, AlloyOrleans.Grains.Abstractions.LabelSet?>? relabel = null;
        if (block.WriteRelabelConfigs.Count > 0)
        {
            relabel = (relabelCompiler ?? throw new ComponentArgumentException("write_relabel_config",
                    "write_relabel_config needs the relabel engine, which this silo does not provide"))
                .Compile(block.WriteRelabelConfigs);
        }
        return new RemoteWriteEndpointOptions
        {
            Name = block.Name.Length > 0 ? block.Name : GeneratedName(url),
            Url = url,
            RemoteTimeout = block.RemoteTimeout,
            Headers = block.Headers,
            Authorization = Authorization(block),
            ProxyUrl = block.ProxyUrl.Length > 0 ? new Uri(block.ProxyUrl) : null,
            Tls = block.TlsConfig is { } tls
                ? new RemoteWriteTlsOptions
                {
                    CaFile = NullIfEmpty(tls.CaFile),
                    CertFile = NullIfEmpty(tls.CertFile),
                    KeyFile = NullIfEmpty(tls.KeyFile),
                    ServerName = NullIfEmpty(tls.ServerName),
                    InsecureSkipVerify = tls.InsecureSkipVerify,
                }
                : null,
            Queue = new QueueOptions
            {
                Capacity = queue.Capacity,
                MinShards = queue.MinShards,
                MaxShards = queue.MaxShards,
                MaxSamplesPerSend = queue.MaxSamplesPerSend,
                BatchSendDeadline = queue.BatchSendDeadline,
                MinBackoff = queue.MinBackoff,
                MaxBackoff = queue.MaxBackoff,
                RetryOnHttp429 = queue.RetryOnHttp429,
            },
            WriteRelabel = relabel,
        };
    }

    /// <summary>An unnamed endpoint is named after its URL, so its WAL position survives restarts and reloads.</summary>
    private static string GeneratedName(Uri url) =>
        Convert.ToHexStringLower(XxHash64.Hash(Encoding.UTF8.GetBytes(url.ToString())))[..6];

    private static AuthenticationHeaderValue? Authorization(EndpointBlock block)
    {
        if (block.BearerToken.Length > 0)
        {
            return new AuthenticationHeaderValue("Bearer", block.BearerToken);
        }
        if (block.BearerTokenFile.Length > 0)
        {
            return new AuthenticationHeaderValue("Bearer", ReadSecret("bearer_token_file", block.BearerTokenFile));
        }
        if (block.BasicAuth is { } basic)
        {
            var password = basic.PasswordFile.Length > 0 ? ReadSecret("password_file", basic.PasswordFile) : basic.Password;
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{basic.Username}:{password}")));
        }
        if (block.Authorization is { } authorization)
        {
            var credentials = authorization.CredentialsFile.Length > 0
                ? ReadSecret("credentials_file", authorization.CredentialsFile)
                : authorization.Credentials;
            return new AuthenticationHeaderValue(authorization.Type.Length > 0 ? authorization.Type : "Bearer", credentials);
        }
        return null;
    }

    private static string ReadSecret(string attribute, string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException e)
        {
            throw new ComponentArgumentException(attribute, $"cannot read {path}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ComponentArgumentException(attribute, $"cannot read {path}: {e.Message}");
        }
    }

    private static string? NullIfEmpty(string value) => value.Length > 0 ? value : null;
}
