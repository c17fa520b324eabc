using AlloyOrleans.Grains.Discovery.Dns;

namespace AlloyOrleans.Grains.Components.Discovery.Dns;

/// <summary>The arguments of <c>discovery.dns</c>, as Alloy's reference names them.</summary>
public sealed class DiscoveryDnsArguments : IValidatableArguments, IClusteredDiscoveryArguments
{
    /// <summary>Our extension: one silo runs this discovery for the cluster.</summary>
    [AlloyBlock("clustering")]
    public DiscoveryClusteringArguments? Clustering { get; set; }

    [Alloy("names", Required = true)]
    public IReadOnlyList<string> Names { get; set; } = [];

    [Alloy("port")]
    public int Port { get; set; }

    [Alloy("refresh_interval")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>SRV, A, AAAA, MX or NS (any case).</summary>
    [Alloy("type")]
    public string Type { get; set; } = "SRV";

    public DnsRecordType RecordType => Type.ToUpperInvariant() switch
    {
        "SRV" => DnsRecordType.Srv,
        "A" => DnsRecordType.A,
        "AAAA" => DnsRecordType.Aaaa,
        "MX" => DnsRecordType.Mx,
        "NS" => DnsRecordType.Ns,
        _ => throw new ComponentArgumentException("type", $"invalid DNS-SD records type {Type}"),
    };

    public void Validate()
    {
        if (Names.Count == 0)
        {
            throw new ComponentArgumentException("names", "DNS-SD config must contain at least one SRV record name");
        }
        if (RecordType != DnsRecordType.Srv && Port == 0)
        {
            throw new ComponentArgumentException("port", "a port is required in DNS-SD configs for all record types except SRV");
        }
        if (Port is < 0 or > 65535)
        {
            throw new ComponentArgumentException("port", $"port must be between 0 and 65535, got {Port}");
        }
        if (RefreshInterval <= TimeSpan.Zero)
        {
            throw new ComponentArgumentException("refresh_interval", "refresh_interval must be greater than 0");
        }
    }
}
