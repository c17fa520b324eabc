using System.Net;

namespace AlloyOrleans.Grains.Discovery.Dns;

/// <summary>Settings of DNS discovery (Prometheus' dns_sd_config, Alloy's discovery.dns).</summary>
public sealed record DnsDiscoveryOptions
{
    public required IReadOnlyList<string> Names { get; init; }

    public DnsRecordType Type { get; init; } = DnsRecordType.Srv;

    /// <summary>The port of every target for record types other than SRV (SRV records carry their own).</summary>
    public int Port { get; init; }

    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The servers to ask; empty means the system's resolvers (/etc/resolv.conf).</summary>
    public IReadOnlyList<IPEndPoint> NameServers { get; init; } = [];

    /// <summary>The limit for one query attempt.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Further attempts after a timed-out query.</summary>
    public int QueryRetries { get; init; } = 2;
}
