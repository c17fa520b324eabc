using AlloyOrleans.Grains.Abstractions;
using k8s.Models;
using static AlloyOrleans.Grains.Discovery.Kubernetes.KubernetesMetaLabels;

namespace AlloyOrleans.Grains.Discovery.Kubernetes;

/// <summary>
/// The endpoints role: one target per endpoint address and port, enriched with the labels of the service of the same
/// name and of the pod behind the address; then one target per remaining declared port of those pods, as Prometheus does.
/// </summary>
internal static class EndpointsTargets
{
    private const string EndpointsPrefix = Prefix + "endpoints_";
    private const string EndpointPrefix = Prefix + "endpoint_";

    public static TargetGroup Build(V1Endpoints endpoints, Func<string, string, V1Service?> service, Func<string, string, V1Pod?> pod, Func<string, V1Node?>? node = null)
    {
        var name = endpoints.Metadata.Name ?? "";
        var ns = endpoints.Metadata.NamespaceProperty ?? "";
        var groupLabels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Namespace] = ns,
            [EndpointsPrefix + "name"] = name,
        };
        AddObjectMetadata(groupLabels, EndpointsPrefix, endpoints.Metadata.Labels, endpoints.Metadata.Annotations);
        if (service(ns, name) is { } svc)
        {
            foreach (var (key, value) in ServiceTargets.Labels(svc))
            {
                groupLabels[key] = value;
            }
        }

        var targets = new List<LabelSet>();
        // Pods seen behind an address, with the port numbers the endpoints already cover.
        var seenPods = new Dictionary<string, (V1Pod Pod, HashSet<int> Covered)>(StringComparer.Ordinal);
        foreach (var subset in endpoints.Subsets ?? [])
        {
            var addresses = (subset.Addresses ?? []).Select(a => (a, true)).Concat((subset.NotReadyAddresses ?? []).Select(a => (a, false)));
            foreach (var (address, ready) in addresses)
            {
                foreach (var port in subset.Ports ?? [])
                {
                    var labels = new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        [TargetGroup.AddressLabel] = JoinHostPort(address.Ip, port.Port),
                        [EndpointPrefix + "port_name"] = port.Name ?? "",
                        [EndpointPrefix + "port_protocol"] = port.Protocol ?? "",
                        [EndpointPrefix + "ready"] = Bool(ready),
                        [EndpointPrefix + "hostname"] = address.Hostname ?? "",
                        [EndpointPrefix + "node_name"] = address.NodeName ?? "",
                    };
                    if (node is not null)
                    {
                        NodeTargets.AddMetadata(labels, address.TargetRef is { Kind: "Node" } nodeRef ? nodeRef.Name : address.NodeName, node);
                    }
                    if (address.TargetRef is { } reference)
                    {
                        labels[EndpointPrefix + "address_target_kind"] = reference.Kind ?? "";
                        labels[EndpointPrefix + "address_target_name"] = reference.Name ?? "";
                        if (reference.Kind == "Pod" && pod(reference.NamespaceProperty ?? ns, reference.Name ?? "") is { } backing)
                        {
                            AddPod(labels, backing, port.Port, seenPods);
                        }
                    }
                    targets.Add(LabelSet.FromDictionary(labels));
                }
            }
        }
        foreach (var (backing, covered) in seenPods.Values)
        {
            AddUncoveredPorts(targets, backing, covered);
        }
        return new TargetGroup($"endpoints/{ns}/{name}", targets, LabelSet.FromDictionary(groupLabels));
    }

    /// <summary>The pod's labels and the container port matching <paramref name="port"/> (shared with endpointslice).</summary>
    public static void AddPod(
        Dictionary<string, string> labels, V1Pod pod, int? port,
        Dictionary<string, (V1Pod Pod, HashSet<int> Covered)> seenPods)
    {
        var key = pod.Metadata.Uid ?? $"{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}";
        if (!seenPods.TryGetValue(key, out var seen))
        {
            seenPods[key] = seen = (pod, []);
        }
        if (port is { } covered)
        {
            seen.Covered.Add(covered);
        }
        foreach (var (name, value) in PodTargets.Labels(pod))
        {
            labels[name] = value;
        }
        foreach (var (container, isInit) in PodTargets.Containers(pod))
        {
            // Prometheus matches the container port by number alone.
            var match = container.Ports?.FirstOrDefault(p => p.ContainerPort == port);
            if (match is null)
            {
                continue;
            }
            labels[PodTargets.ContainerName] = container.Name ?? "";
            labels[PodTargets.ContainerImage] = container.Image ?? "";
            labels[PodTargets.ContainerInit] = Bool(isInit);
            labels[PodTargets.ContainerPortName] = match.Name ?? "";
            labels[PodTargets.ContainerPortNumber] = Number(match.ContainerPort);
            labels[PodTargets.ContainerPortProtocol] = match.Protocol ?? "";
            break;
        }
    }

    /// <summary>One target per declared port of a backing pod that no endpoint covered (shared with endpointslice).</summary>
    public static void AddUncoveredPorts(List<LabelSet> targets, V1Pod pod, HashSet<int> covered)
    {
        var podIp = pod.Status?.PodIP;
        if (string.IsNullOrEmpty(podIp))
        {
            return;
        }
        foreach (var (container, isInit) in PodTargets.Containers(pod))
        {
            foreach (var port in container.Ports ?? [])
            {
                if (covered.Contains(port.ContainerPort))
                {
                    continue;
                }
                var labels = PodTargets.Labels(pod);
                foreach (var (name, value) in PodTargets.ContainerLabels(pod, container, isInit))
                {
                    labels[name] = value;
                }
                // Prometheus gives these targets no container id (its endpoint and endpointslice tests expect none).
                labels.Remove(PodTargets.ContainerId);
                labels[TargetGroup.AddressLabel] = JoinHostPort(podIp, port.ContainerPort);
                labels[PodTargets.ContainerPortName] = port.Name ?? "";
                labels[PodTargets.ContainerPortNumber] = Number(port.ContainerPort);
                labels[PodTargets.ContainerPortProtocol] = port.Protocol ?? "";
                targets.Add(LabelSet.FromDictionary(labels));
            }
        }
    }
}
