using AlloyOrleans.Grains.Discovery;
using AlloyOrleans.Grains.Discovery.Shared;
using AlloyOrleans.Grains.Discovery.Dns;

namespace AlloyOrleans.Grains.Components.Discovery.Dns;

/// <summary><c>discovery.dns</c>: targets from SRV, A, AAAA, MX or NS records, asked of the system's resolvers.</summary>
[AlloyComponent("discovery.dns", typeof(DiscoveryDnsArguments), typeof(DiscoveryExports))]
public sealed class DiscoveryDnsComponent(IComponentHost host, SharedDiscovery? sharedDiscovery = null) : DiscoveryComponent<DiscoveryDnsArguments>(host, sharedDiscovery)
{
    protected override ITargetDiscoverer CreateDiscoverer(DiscoveryDnsArguments arguments) =>
        new DnsDiscoverer(
            new DnsDiscoveryOptions
            {
                Names = arguments.Names,
                Type = arguments.RecordType,
                Port = arguments.Port,
                RefreshInterval = arguments.RefreshInterval,
            },
            Host.Logger);
}
