using System.IO.Hashing;
using System.Net.Http.Headers;
using System.Text;
using AlloyOrleans.Grains.Components.Common.Relabel;
using AlloyOrleans.Grains.RemoteWrite;
using AlloyOrleans.Grains.RemoteWrite.Queue;
using AlloyOrleans.Grains.RemoteWrite.Wal;

namespace AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;

/// <summary>Turns validated <c>endpoint</c> blocks into the engine's options (reading secret files and compiling relabel rules now).</summary>
internal static class EndpointOptionsMapper
{
    public static RemoteWriteEndpointOptions ToOptions(EndpointBlock block)
    {
        var url = new Uri(block.Url);
        var queue = block.QueueConfig;
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
            WriteRelabel = RelabelRuleArguments.ToRules(block.WriteRelabelConfigs),
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
            return ReadingSecret("bearer_token_file", () => new AuthenticationHeaderValue("Bearer", File.ReadAllText(block.BearerTokenFile).Trim()));
        }
        if (block.BasicAuth is { } basic)
        {
            return ReadingSecret("password_file", basic.ToHeader);
        }
        if (block.Authorization is { } authorization)
        {
            return ReadingSecret("credentials_file", authorization.ToHeader);
        }
        return null;
    }

    /// <summary>Builds a header that may read a secret file, turning a failed read into an argument error.</summary>
    private static AuthenticationHeaderValue ReadingSecret(string attribute, Func<AuthenticationHeaderValue> header)
    {
        try
        {
            return header();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ComponentArgumentException(attribute, $"cannot read the file: {e.Message}");
        }
    }

    private static string? NullIfEmpty(string value) => value.Length > 0 ? value : null;
}
