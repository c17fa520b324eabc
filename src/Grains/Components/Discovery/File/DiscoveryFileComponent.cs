using AlloyOrleans.Grains.Discovery;
using AlloyOrleans.Grains.Discovery.Shared;
using AlloyOrleans.Grains.Discovery.File;

namespace AlloyOrleans.Grains.Components.Discovery.File;

/// <summary><c>discovery.file</c>: targets from JSON or YAML files, re-read on change and every refresh_interval.</summary>
[AlloyComponent("discovery.file", typeof(DiscoveryFileArguments), typeof(DiscoveryExports))]
public sealed class DiscoveryFileComponent(IComponentHost host, SharedDiscovery? sharedDiscovery = null) : DiscoveryComponent<DiscoveryFileArguments>(host, sharedDiscovery)
{
    protected override ITargetDiscoverer CreateDiscoverer(DiscoveryFileArguments arguments) =>
        new FileDiscoverer(new FileDiscoveryOptions { Files = arguments.Files, RefreshInterval = arguments.RefreshInterval }, Host.Logger);
}
