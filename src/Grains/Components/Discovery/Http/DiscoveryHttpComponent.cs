using AlloyOrleans.Grains.Discovery;
using AlloyOrleans.Grains.Discovery.Shared;
using AlloyOrleans.Grains.Discovery.Http;

namespace AlloyOrleans.Grains.Components.Discovery.Http;

/// <summary><c>discovery.http</c>: targets from an HTTP endpoint serving Prometheus' HTTP SD JSON.</summary>
[AlloyComponent("discovery.http", typeof(DiscoveryHttpArguments), typeof(DiscoveryExports))]
public sealed class DiscoveryHttpComponent(IComponentHost host, SharedDiscovery? sharedDiscovery = null) : DiscoveryComponent<DiscoveryHttpArguments>(host, sharedDiscovery)
{
    /// <summary>No request may take longer than this, whatever the refresh interval.</summary>
    private static readonly TimeSpan MaxRequestTimeout = TimeSpan.FromSeconds(30);

    protected override ITargetDiscoverer CreateDiscoverer(DiscoveryHttpArguments arguments) =>
        new HttpDiscoverer(
            new HttpDiscoveryOptions
            {
                Url = new Uri(arguments.Url),
                RefreshInterval = arguments.RefreshInterval,
                Timeout = arguments.RefreshInterval < MaxRequestTimeout ? arguments.RefreshInterval : MaxRequestTimeout,
                Http = arguments.ToSettings(),
            },
            Host.Logger);
}
