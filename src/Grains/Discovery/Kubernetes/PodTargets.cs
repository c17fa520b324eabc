using AlloyOrleans.Grains.Abstractions;
using k8s.Models;
using static AlloyOrleans.Grains.Discovery.Kubernetes.KubernetesMetaLabels;

namespace AlloyOrleans.Grains.Discovery.Kubernetes;

/// <summary>The pod role: one target per declared container port (or per container without ports), as Prometheus builds them.</summary>
internal static class PodTargets
{
    private const string PodPrefix = Prefix + "pod_";
    public const string ContainerName = PodPrefix + "container_name";
    public const string ContainerId = PodPrefix + "container_id";
    public const string ContainerImage = PodPrefix + "container_image";
    public const string ContainerInit = PodPrefix + "container_init";
    public const string ContainerPortName = PodPrefix + "container_port_name";
    public const string ContainerPortNumber = PodPrefix + "container_port_number";
    public const string ContainerPortProtocol = PodPrefix + "container_port_protocol";

    public static TargetGroup Build(V1Pod pod, Func<string, V1Node?>? node = null)
    {
        var source = $"pod/{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}";
        var podIp = pod.Status?.PodIP;
        if (string.IsNullOrEmpty(podIp))
        {
            // Not scheduled or not started yet: no address to scrape.
            return new TargetGroup(source, [], LabelSet.Empty);
        }
        var groupLabels = Labels(pod);
        groupLabels[Namespace] = pod.Metadata.NamespaceProperty ?? "";
        if (node is not null)
        {
            NodeTargets.AddMetadata(groupLabels, pod.Spec?.NodeName, node);
        }
        var targets = new List<LabelSet>();
        foreach (var (container, isInit) in Containers(pod))
        {
            var containerLabels = ContainerLabels(pod, container, isInit);
            if (container.Ports is not { Count: > 0 })
            {
                containerLabels[TargetGroup.AddressLabel] = podIp;
                targets.Add(LabelSet.FromDictionary(containerLabels));
                continue;
            }
            foreach (var port in container.Ports)
            {
                var portLabels = new Dictionary<string, string>(containerLabels, StringComparer.Ordinal)
                {
                    [TargetGroup.AddressLabel] = JoinHostPort(podIp, port.ContainerPort),
                    [ContainerPortName] = port.Name ?? "",
                    [ContainerPortNumber] = Number(port.ContainerPort),
                    [ContainerPortProtocol] = port.Protocol ?? "",
                };
                targets.Add(LabelSet.FromDictionary(portLabels));
            }
        }
        return new TargetGroup(source, targets, LabelSet.FromDictionary(groupLabels));
    }

    /// <summary>The pod-level labels (also attached to endpoints targets backed by this pod).</summary>
    public static Dictionary<string, string> Labels(V1Pod pod)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [PodPrefix + "name"] = pod.Metadata.Name ?? "",
            [PodPrefix + "ip"] = pod.Status?.PodIP ?? "",
            [PodPrefix + "ready"] = Ready(pod),
            [PodPrefix + "phase"] = pod.Status?.Phase ?? "",
            [PodPrefix + "node_name"] = pod.Spec?.NodeName ?? "",
            [PodPrefix + "host_ip"] = pod.Status?.HostIP ?? "",
            [PodPrefix + "uid"] = pod.Metadata.Uid ?? "",
        };
        if (pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { } controller)
        {
            labels[PodPrefix + "controller_kind"] = controller.Kind ?? "";
            labels[PodPrefix + "controller_name"] = controller.Name ?? "";
        }
        AddObjectMetadata(labels, PodPrefix, pod.Metadata.Labels, pod.Metadata.Annotations);
        return labels;
    }

    /// <summary>Regular containers first, then init containers, as Prometheus lists them.</summary>
    public static IEnumerable<(V1Container Container, bool IsInit)> Containers(V1Pod pod) =>
        (pod.Spec?.Containers ?? []).Select(c => (c, false))
            .Concat((pod.Spec?.InitContainers ?? []).Select(c => (c, true)));

    public static Dictionary<string, string> ContainerLabels(V1Pod pod, V1Container container, bool isInit)
    {
        var statuses = isInit ? pod.Status?.InitContainerStatuses : pod.Status?.ContainerStatuses;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ContainerName] = container.Name ?? "",
            [ContainerImage] = container.Image ?? "",
            [ContainerInit] = Bool(isInit),
            [ContainerId] = statuses?.FirstOrDefault(s => s.Name == container.Name)?.ContainerID ?? "",
        };
    }

    /// <summary>The Ready condition's status in lower case, "unknown" when absent.</summary>
    private static string Ready(V1Pod pod) =>
        pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status?.ToLowerInvariant() ?? "unknown";
}
