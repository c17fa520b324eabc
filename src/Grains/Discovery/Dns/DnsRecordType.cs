namespace AlloyOrleans.Grains.Discovery.Dns;

/// <summary>The record types DNS discovery can query, as Prometheus' dns_sd_config allows.</summary>
public enum DnsRecordType
{
    Srv,
    A,
    Aaaa,
    Mx,
    Ns,
}
