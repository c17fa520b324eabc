namespace AlloyOrleans.Grains.Components.Discovery.Kubernetes;

/// <summary>The <c>attach_metadata</c> block of <c>discovery.kubernetes</c>.</summary>
public sealed class KubernetesAttachMetadataArguments
{
    /// <summary>Adds the <c>__meta_kubernetes_node_*</c> labels of the node behind pod, endpoints and endpointslice targets.</summary>
    [Alloy("node")]
    public bool Node { get; set; }
}
