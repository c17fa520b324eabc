using AlloyOrleans.Grains.Abstractions;
using k8s.Models;
using static AlloyOrleans.Grains.Discovery.Kubernetes.KubernetesMetaLabels;

namespace AlloyOrleans.Grains.Discovery.Kubernetes;

/// <summary>
/// The endpointslice role (what current clusters serve instead of Endpoints): one target per endpoint address and
/// port, with the labels of the slice's service (its <c>kubernetes.io/service-name</c> label) and of the pod behind
/// the address; then one target per remaining declared port of those pods — Prometheus' labels, name for name.
/// </summary>
internal static class EndpointSliceTargets
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";
    private const string SlicePrefix = Prefix + "endpointslice_";

    public static TargetGroup Build(
        V1EndpointSlice slice,
        Func<string, string, V1Service?> service,
        Func<string, string, V1Pod?> pod,
        Func<string, V1Node?>? node)
    {
        var name = slice.Metadata.Name ?? "";
        var ns = slice.Metadata.NamespaceProperty ?? "";
        var groupLabels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Namespace] = ns,
            [SlicePrefix + "name"] = name,
            [SlicePrefix + "address_type"] = slice.AddressType ?? "",
        };
        AddObjectMetadata(groupLabels, SlicePrefix, slice.Metadata.Labels, slice.Metadata.Annotations);
        if (slice.Metadata.Labels?.TryGetValue(ServiceNameLabel, out var serviceName) == true && service(ns, serviceName) is { } svc)
        {
            foreach (var (key, value) in ServiceTargets.Labels(svc))
            {
                groupLabels[key] = value;
            }
        }

        var targets = new List<LabelSet>();
        var seenPods = new Dictionary<string, (V1Pod Pod, HashSet<int> Covered)>(StringComparer.Ordinal);
        foreach (var endpoint in slice.Endpoints ?? [])
        {
            foreach (var port in slice.Ports ?? [])
            {
                foreach (var address in endpoint.Addresses ?? [])
                {
                    var labels = EndpointLabels(address, endpoint, port);
                    if (node is not null)
                    {
                        var nodeName = endpoint.TargetRef is { Kind: "Node" } nodeRef ? nodeRef.Name : endpoint.NodeName;
                        NodeTargets.AddMetadata(labels, nodeName, node);
                    }
                    if (endpoint.TargetRef is { Kind: "Pod" } reference && pod(reference.NamespaceProperty ?? ns, reference.Name ?? "") is { } backing)
                    {
                        EndpointsTargets.AddPod(labels, backing, port.Port, seenPods);
                    }
                    targets.Add(LabelSet.FromDictionary(labels));
                }
            }
        }
        foreach (var (backing, covered) in seenPods.Values)
        {
            EndpointsTargets.AddUncoveredPorts(targets, backing, covered);
        }
        return new TargetGroup($"endpointslice/{ns}/{name}", targets, LabelSet.FromDictionary(groupLabels));
    }

    /// <summary>Prometheus sets each of these only when the slice says it (a nil port, condition or hostname is no label).</summary>
    private static Dictionary<string, string> EndpointLabels(string address, V1Endpoint endpoint, Discoveryv1EndpointPort port)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [TargetGroup.AddressLabel] = port.Port is { } number ? JoinHostPort(address, number) : address,
        };
        void Set(string name, string? value)
        {
            if (value is not null)
            {
                labels[SlicePrefix + name] = value;
            }
        }
        Set("port_name", port.Name);
        Set("port_protocol", port.Protocol);
        Set("port", port.Port is { } p ? Number(p) : null);
        Set("port_app_protocol", port.AppProtocol);
        Set("endpoint_conditions_ready", endpoint.Conditions?.Ready is { } ready ? Bool(ready) : null);
        Set("endpoint_conditions_serving", endpoint.Conditions?.Serving is { } serving ? Bool(serving) : null);
        Set("endpoint_conditions_terminating", endpoint.Conditions?.Terminating is { } terminating ? Bool(terminating) : null);
        Set("endpoint_hostname", endpoint.Hostname);
        Set("endpoint_node_name", endpoint.NodeName);
        Set("endpoint_zone", endpoint.Zone);
        if (endpoint.TargetRef is { } reference)
        {
            labels[SlicePrefix + "address_target_kind"] = reference.Kind ?? "";
            labels[SlicePrefix + "address_target_name"] = reference.Name ?? "";
        }
        foreach (var (key, value) in endpoint.DeprecatedTopology ?? new Dictionary<string, string>())
        {
            var sanitized = Sanitize(key);
            labels[SlicePrefix + "endpoint_topology_" + sanitized] = value;
            labels[SlicePrefix + "endpoint_topology_present_" + sanitized] = "true";
        }
        return labels;
    }
}
