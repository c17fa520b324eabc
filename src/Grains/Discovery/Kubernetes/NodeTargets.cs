using AlloyOrleans.Grains.Abstractions;
using k8s.Models;
using static AlloyOrleans.Grains.Discovery.Kubernetes.KubernetesMetaLabels;

namespace AlloyOrleans.Grains.Discovery.Kubernetes;

/// <summary>The node role: one target per node, its kubelet address, with <c>instance</c> set to the node name.</summary>
internal static class NodeTargets
{
    private const string NodePrefix = Prefix + "node_";

    /// <summary>The address types in the order Prometheus prefers them for <c>__address__</c>.</summary>
    private static readonly string[] AddressPreference = ["InternalIP", "InternalDNS", "ExternalIP", "ExternalDNS", "LegacyHostIP", "Hostname"];

    /// <summary>
    /// <c>attach_metadata { node = true }</c>: the node's name, labels and annotations on a target of another role,
    /// looked up by the node the target runs on (nothing when the name is unknown or the node is not listed).
    /// </summary>
    public static void AddMetadata(Dictionary<string, string> labels, string? nodeName, Func<string, V1Node?> node)
    {
        if (string.IsNullOrEmpty(nodeName) || node(nodeName) is not { } found)
        {
            return;
        }
        labels[NodePrefix + "name"] = found.Metadata.Name ?? "";
        AddObjectMetadata(labels, NodePrefix, found.Metadata.Labels, found.Metadata.Annotations);
    }

    public static TargetGroup Build(V1Node node)
    {
        var name = node.Metadata.Name ?? "";
        var groupLabels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [NodePrefix + "name"] = name,
            [NodePrefix + "provider_id"] = node.Spec?.ProviderID ?? "",
        };
        AddObjectMetadata(groupLabels, NodePrefix, node.Metadata.Labels, node.Metadata.Annotations);
        var addresses = node.Status?.Addresses ?? [];
        var firstByType = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var address in addresses)
        {
            firstByType.TryAdd(address.Type, address.Address);
        }
        var preferred = AddressPreference.Select(t => firstByType.GetValueOrDefault(t)).FirstOrDefault(a => a is not null);
        if (preferred is null)
        {
            return new TargetGroup($"node/{name}", [], LabelSet.FromDictionary(groupLabels));
        }
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [TargetGroup.AddressLabel] = JoinHostPort(preferred, node.Status?.DaemonEndpoints?.KubeletEndpoint?.Port ?? 10250),
            ["instance"] = name,
        };
        foreach (var (type, address) in firstByType)
        {
            labels[NodePrefix + "address_" + Sanitize(type)] = address;
        }
        return new TargetGroup($"node/{name}", [LabelSet.FromDictionary(labels)], LabelSet.FromDictionary(groupLabels));
    }
}
