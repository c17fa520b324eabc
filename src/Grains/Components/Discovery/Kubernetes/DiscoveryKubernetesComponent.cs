using AlloyOrleans.Grains.Discovery;
using AlloyOrleans.Grains.Discovery.Kubernetes;
using k8s;

namespace AlloyOrleans.Grains.Components.Discovery.Kubernetes;

/// <summary><c>discovery.kubernetes</c>: targets from the Kubernetes API (pods, services, endpoints or nodes), kept current by watches.</summary>
[AlloyComponent("discovery.kubernetes", typeof(DiscoveryKubernetesArguments), typeof(DiscoveryExports))]
public sealed class DiscoveryKubernetesComponent(IComponentHost host) : DiscoveryComponent<DiscoveryKubernetesArguments>(host)
{
    protected override ITargetDiscoverer CreateDiscoverer(DiscoveryKubernetesArguments arguments) =>
        new KubernetesDiscoverer(
            new KubernetesDiscoveryOptions
            {
                Role = arguments.ParsedRole,
                Client = ClientConfiguration(arguments),
                Http = arguments.KubeconfigFile.Length == 0 && arguments.ApiServer.Length > 0 ? arguments.ToSettings() : null,
                Namespaces = Namespaces(arguments.Namespaces),
                Selectors = arguments.Selectors
                    .Select(s => new KubernetesSelector(Enum.Parse<KubernetesRole>(s.Role, ignoreCase: true), s.Label, s.Field))
                    .ToList(),
            },
            Host.Logger);

    /// <summary>kubeconfig_file, else api_server with the HTTP client settings, else the in-cluster service account.</summary>
    private static KubernetesClientConfiguration ClientConfiguration(DiscoveryKubernetesArguments arguments)
    {
        if (arguments.KubeconfigFile.Length > 0)
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(arguments.KubeconfigFile);
        }
        if (arguments.ApiServer.Length == 0)
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }
        // TLS, proxy and authentication come from the shared HTTP client settings (see KubernetesDiscoveryOptions.Http).
        var configuration = new KubernetesClientConfiguration { Host = arguments.ApiServer };
        return configuration;
    }

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
