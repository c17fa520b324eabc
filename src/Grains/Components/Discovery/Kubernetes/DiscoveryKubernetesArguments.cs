using AlloyOrleans.Grains.Components.Common.Http;
using AlloyOrleans.Grains.Discovery.Kubernetes;

namespace AlloyOrleans.Grains.Components.Discovery.Kubernetes;

/// <summary>The arguments of <c>discovery.kubernetes</c>, as Alloy's reference names them (with the shared HTTP client settings).</summary>
public sealed class DiscoveryKubernetesArguments : HttpClientArguments, IEnvironmentCheckedArguments, IClusteredDiscoveryArguments
{
    /// <summary>Our extension: one silo runs this discovery for the cluster.</summary>
    [AlloyBlock("clustering")]
    public DiscoveryClusteringArguments? Clustering { get; set; }

    /// <summary>Where a pod finds its own namespace (for <c>namespaces { own_namespace = true }</c>).</summary>
    public const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    [Alloy("api_server")]
    public string ApiServer { get; set; } = "";

    [Alloy("role", Required = true)]
    public string Role { get; set; } = "";

    [Alloy("kubeconfig_file")]
    public string KubeconfigFile { get; set; } = "";

    [AlloyBlock("namespaces")]
    public KubernetesNamespacesArguments? Namespaces { get; set; }

    [AlloyBlock("attach_metadata")]
    public KubernetesAttachMetadataArguments? AttachMetadata { get; set; }

    [AlloyBlock("selectors")]
    public IReadOnlyList<KubernetesSelectorArguments> Selectors { get; set; } = [];

    public KubernetesRole ParsedRole => ParseRole(Role, "role");

    /// <summary>
    /// What only the machine can tell: the in-cluster service account when no server is given, and the namespace
    /// file for <c>own_namespace</c>. Checked when the component starts, never by <c>validate</c> (Alloy's validate
    /// passes the in-cluster form on a laptop too).
    /// </summary>
    public void CheckEnvironment()
    {
        if (ApiServer.Length == 0 && KubeconfigFile.Length == 0 && !k8s.KubernetesClientConfiguration.IsInCluster())
        {
            throw new ComponentArgumentException("api_server", "neither api_server nor kubeconfig_file is set, and this process does not run inside a Kubernetes cluster");
        }
        if (Namespaces is { OwnNamespace: true } && !System.IO.File.Exists(ServiceAccountNamespaceFile))
        {
            throw new ComponentArgumentException("namespaces", $"own_namespace needs the service account namespace file {ServiceAccountNamespaceFile}, which does not exist here");
        }
    }

    public override void Validate()
    {
        base.Validate();
        var role = ParsedRole;
        if (ApiServer.Length > 0 && KubeconfigFile.Length > 0)
        {
            throw new ComponentArgumentException("kubeconfig_file", "cannot use 'kubeconfig_file' and 'api_server' simultaneously");
        }
        if (ApiServer.Length > 0 && (!Uri.TryCreate(ApiServer, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
        {
            throw new ComponentArgumentException("api_server", $"api_server must be an http or https URL, got \"{ApiServer}\"");
        }
        // As Prometheus: the roles whose objects a role reads may be selected too, the nodes when their metadata is attached.
        var allowed = role switch
        {
            KubernetesRole.Endpoints or KubernetesRole.EndpointSlice => [KubernetesRole.Pod, KubernetesRole.Service, role],
            _ => new List<KubernetesRole> { role },
        };
        if (AttachMetadata is { Node: true } && role is KubernetesRole.Pod or KubernetesRole.Endpoints or KubernetesRole.EndpointSlice)
        {
            allowed.Add(KubernetesRole.Node);
        }
        var seen = new HashSet<KubernetesRole>();
        foreach (var selector in Selectors)
        {
            var selectorRole = ParseRole(selector.Role, "selectors");
            if (!allowed.Contains(selectorRole))
            {
                throw new ComponentArgumentException("selectors", $"{Role} role supports only {string.Join(", ", allowed.Select(r => r.ToString().ToLowerInvariant()))} selectors");
            }
            if (!seen.Add(selectorRole))
            {
                throw new ComponentArgumentException("selectors", $"{selector.Role} is configured more than once");
            }
        }
    }

    private static KubernetesRole ParseRole(string role, string attribute) => role switch
    {
        "pod" => KubernetesRole.Pod,
        "service" => KubernetesRole.Service,
        "endpoints" => KubernetesRole.Endpoints,
        "node" => KubernetesRole.Node,
        "endpointslice" => KubernetesRole.EndpointSlice,
        "ingress" => KubernetesRole.Ingress,
        _ => throw new ComponentArgumentException(attribute, $"unknown Kubernetes SD role \"{role}\""),
    };
}
