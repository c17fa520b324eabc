namespace AlloyOrleans.Grains.Components.Discovery.Kubernetes;

/// <summary>The <c>namespaces</c> block of <c>discovery.kubernetes</c>.</summary>
public sealed class KubernetesNamespacesArguments
{
    /// <summary>Include the namespace Alloy runs in (read from the service account).</summary>
    [Alloy("own_namespace")]
    public bool OwnNamespace { get; set; }

    [Alloy("names")]
    public IReadOnlyList<string> Names { get; set; } = [];
}
