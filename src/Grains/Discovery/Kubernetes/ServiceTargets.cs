using AlloyOrleans.Grains.Abstractions;
using k8s.Models;
using static AlloyOrleans.Grains.Discovery.Kubernetes.KubernetesMetaLabels;

namespace AlloyOrleans.Grains.Discovery.Kubernetes;

/// <summary>The service role: one target per service port, addressed by the service's cluster DNS name.</summary>
internal static class ServiceTargets
{
    private const string ServicePrefix = Prefix + "service_";

    public static TargetGroup Build(V1Service service)
    {
        var name = service.Metadata.Name ?? "";
        var ns = service.Metadata.NamespaceProperty ?? "";
        var groupLabels = Labels(service);
        groupLabels[Namespace] = ns;
        var type = service.Spec?.Type ?? "";
        var targets = new List<LabelSet>();
        foreach (var port in service.Spec?.Ports ?? [])
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [TargetGroup.AddressLabel] = JoinHostPort($"{name}.{ns}.svc", port.Port),
                [ServicePrefix + "port_name"] = port.Name ?? "",
                [ServicePrefix + "port_number"] = Number(port.Port),
                [ServicePrefix + "port_protocol"] = port.Protocol ?? "",
                [ServicePrefix + "type"] = type,
            };
            if (type == "ExternalName")
            {
                labels[ServicePrefix + "external_name"] = service.Spec?.ExternalName ?? "";
            }
            else
            {
                labels[ServicePrefix + "cluster_ip"] = service.Spec?.ClusterIP ?? "";
            }
            if (type == "LoadBalancer" && service.Status?.LoadBalancer?.Ingress?.FirstOrDefault()?.Ip is { } loadBalancerIp)
            {
                labels[ServicePrefix + "loadbalancer_ip"] = loadBalancerIp;
            }
            targets.Add(LabelSet.FromDictionary(labels));
        }
        return new TargetGroup($"svc/{ns}/{name}", targets, LabelSet.FromDictionary(groupLabels));
    }

    /// <summary>The service-level labels (also attached to the endpoints of the same name).</summary>
    public static Dictionary<string, string> Labels(V1Service service)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { [ServicePrefix + "name"] = service.Metadata.Name ?? "" };
        AddObjectMetadata(labels, ServicePrefix, service.Metadata.Labels, service.Metadata.Annotations);
        return labels;
    }
}
