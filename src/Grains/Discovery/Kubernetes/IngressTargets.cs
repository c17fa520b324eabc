using AlloyOrleans.Grains.Abstractions;
using k8s.Models;
using static AlloyOrleans.Grains.Discovery.Kubernetes.KubernetesMetaLabels;

namespace AlloyOrleans.Grains.Discovery.Kubernetes;

/// <summary>
/// The ingress role: one target per rule host and path (an HTTP-less rule is path <c>/</c>), <c>https</c> when a TLS
/// entry covers the host (wildcards match one leading label), with the ingress' labels — as Prometheus builds them.
/// </summary>
internal static class IngressTargets
{
    private const string IngressPrefix = Prefix + "ingress_";

    public static TargetGroup Build(V1Ingress ingress)
    {
        var name = ingress.Metadata.Name ?? "";
        var ns = ingress.Metadata.NamespaceProperty ?? "";
        var groupLabels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [IngressPrefix + "name"] = name,
            [Namespace] = ns,
        };
        if (ingress.Spec?.IngressClassName is { } className)
        {
            groupLabels[IngressPrefix + "class_name"] = className;
        }
        AddObjectMetadata(groupLabels, IngressPrefix, ingress.Metadata.Labels, ingress.Metadata.Annotations);

        var tlsHosts = (ingress.Spec?.Tls ?? []).SelectMany(t => t.Hosts ?? []).ToList();
        var targets = new List<LabelSet>();
        foreach (var rule in ingress.Spec?.Rules ?? [])
        {
            var host = rule.Host ?? "";
            var scheme = tlsHosts.Any(pattern => MatchesHostnamePattern(pattern, host)) ? "https" : "http";
            var paths = rule.Http is null ? ["/"] : rule.Http.Paths.Select(p => string.IsNullOrEmpty(p.Path) ? "/" : p.Path);
            foreach (var path in paths)
            {
                targets.Add(LabelSet.FromDictionary(new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [TargetGroup.AddressLabel] = host,
                    [IngressPrefix + "scheme"] = scheme,
                    [IngressPrefix + "host"] = host,
                    [IngressPrefix + "path"] = path,
                }));
            }
        }
        return new TargetGroup($"ingress/{ns}/{name}", targets, LabelSet.FromDictionary(groupLabels));
    }

    /// <summary>Equal, or a <c>*.</c> pattern whose remaining labels equal the host's after its first.</summary>
    public static bool MatchesHostnamePattern(string pattern, string host)
    {
        if (pattern == host)
        {
            return true;
        }
        var patternParts = pattern.Split('.');
        var hostParts = host.Split('.');
        return patternParts[0] == "*" && patternParts.Length == hostParts.Length && patternParts.Skip(1).SequenceEqual(hostParts.Skip(1));
    }
}
