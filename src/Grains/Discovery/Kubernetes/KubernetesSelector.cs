namespace AlloyOrleans.Grains.Discovery.Kubernetes;

/// <summary>A label and/or field selector passed to the API server when listing objects of one role.</summary>
public sealed record KubernetesSelector(KubernetesRole Role, string? Label, string? Field);
