using System.IO.Hashing;
using System.Text;
using AlloyOrleans.Grains.Components.Common.Relabel;
using AlloyOrleans.Grains.RemoteWrite;
using AlloyOrleans.Grains.RemoteWrite.Queue;
using AlloyOrleans.Grains.RemoteWrite.Wal;

namespace AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;

/// <summary>Turns validated <c>endpoint</c> blocks into the engine's options (compiling relabel rules now).</summary>
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
            Http = block.ToSettings(),
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
}
