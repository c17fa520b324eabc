using AlloyOrleans.Grains.Discovery;
using AlloyOrleans.Grains.Discovery.Shared;
using AlloyOrleans.Grains.Discovery.Kubernetes;
using k8s;

namespace AlloyOrleans.Grains.Components.Discovery.Kubernetes;

/// <summary><c>discovery.kubernetes</c>: targets from the Kubernetes API (pods, services, endpoints, endpointslices, ingresses or nodes), kept current by watches.</summary>
[AlloyComponent("discovery.kubernetes", typeof(DiscoveryKubernetesArguments), typeof(DiscoveryExports))]
public sealed class DiscoveryKubernetesComponent(IComponentHost host, SharedDiscovery? sharedDiscovery = null) : DiscoveryComponent<DiscoveryKubernetesArguments>(host, sharedDiscovery)
{
    protected override ITargetDiscoverer CreateDiscoverer(DiscoveryKubernetesArguments arguments) =>
        new KubernetesDiscoverer(
            new KubernetesDiscoveryOptions
            {
                Role = arguments.ParsedRole,
                Client = KubernetesClientConfigurations.From(arguments.ApiServer, arguments.KubeconfigFile),
                Http = KubernetesClientConfigurations.HttpSettings(arguments.ApiServer, arguments.KubeconfigFile, arguments),
                Namespaces = Namespaces(arguments.Namespaces),
                Selectors = arguments.Selectors
                    .Select(s => new KubernetesSelector(Enum.Parse<KubernetesRole>(s.Role, ignoreCase: true), s.Label, s.Field))
                    .ToList(),
                AttachNodeMetadata = arguments.AttachMetadata is { Node: true },
            },
            Host.Logger);

    private static IReadOnlyList<string> Namespaces(KubernetesNamespacesArguments? namespaces)
    {
        if (namespaces is null)
        {
            return [];
        }
        var names = namespaces.Names.ToList();
        if (namespaces.OwnNamespace)
        {
            names.Add(System.IO.File.ReadAllText(DiscoveryKubernetesArguments.ServiceAccountNamespaceFile).Trim());
        }
        return names;
    }
}
