namespace AlloyOrleans.Grains.Discovery.Kubernetes;

/// <summary>The kind of Kubernetes object whose instances become targets.</summary>
public enum KubernetesRole
{
    Pod,
    Service,
    Endpoints,
    Node,
    EndpointSlice,
    Ingress,
}
