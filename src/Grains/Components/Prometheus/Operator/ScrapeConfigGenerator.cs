using AlloyOrleans.Grains.Discovery.Kubernetes;
using AlloyOrleans.Grains.Discovery.Relabel;
using k8s.Models;

namespace AlloyOrleans.Grains.Components.Prometheus.Operator;

/// <summary>
/// Turns a monitor endpoint into its scrape configuration with the relabelling Alloy's config generator writes
/// (<c>internal/component/prometheus/operator/configgen</c>), rule for rule: keep the selected services or pods and
/// the endpoint's port, name <c>namespace</c>, <c>service</c>, <c>pod</c>, <c>container</c>, <c>job</c> and
/// <c>endpoint</c>, then the monitor's own relabelings. Pure: objects in, configuration out.
/// </summary>
public static class ScrapeConfigGenerator
{
    private const string Anything = "(.+)";
    private const string True = "true";

    public static MonitorScrapeConfig ForServiceMonitor(MonitorResource monitor, int index, KubernetesRole role, ScrapeDefaults defaults)
    {
        var endpoint = monitor.Spec.Endpoints![index];
        var slices = role == KubernetesRole.EndpointSlice;
        var rules = new List<RelabelRule> { new(["job"], targetLabel: "__tmp_prometheus_job_name") };
        AddSelector(rules, monitor.Spec.Selector, "__meta_kubernetes_service_");

        if (!string.IsNullOrEmpty(endpoint.Port))
        {
            rules.Add(Keep(slices ? "__meta_kubernetes_endpointslice_port_name" : "__meta_kubernetes_endpoint_port_name", endpoint.Port));
        }
        else if (endpoint.TargetPortText is { } targetPort)
        {
            rules.Add(Keep(endpoint.TargetPortIsName ? "__meta_kubernetes_pod_container_port_name" : "__meta_kubernetes_pod_container_port_number", targetPort));
        }

        string[] addressTarget = slices
            ? ["__meta_kubernetes_endpointslice_address_target_kind", "__meta_kubernetes_endpointslice_address_target_name"]
            : ["__meta_kubernetes_endpoint_address_target_kind", "__meta_kubernetes_endpoint_address_target_name"];
        rules.Add(new RelabelRule(addressTarget, regex: "Node;(.*)", replacement: "${1}", targetLabel: "node"));
        rules.Add(new RelabelRule(addressTarget, regex: "Pod;(.*)", replacement: "${1}", targetLabel: "pod"));
        rules.Add(new RelabelRule(["__meta_kubernetes_namespace"], targetLabel: "namespace"));
        rules.Add(new RelabelRule(["__meta_kubernetes_service_name"], targetLabel: "service"));
        rules.Add(new RelabelRule(["__meta_kubernetes_pod_container_name"], targetLabel: "container"));
        rules.Add(new RelabelRule(["__meta_kubernetes_pod_name"], targetLabel: "pod"));
        if (endpoint.FilterRunning ?? true)
        {
            rules.Add(Drop("__meta_kubernetes_pod_phase", "(Failed|Succeeded)"));
        }
        AddTargetLabels(rules, monitor.Spec.TargetLabels, "__meta_kubernetes_service_label_");
        AddTargetLabels(rules, monitor.Spec.PodTargetLabels, "__meta_kubernetes_pod_label_");

        // The service name is the job, unless the service carries the jobLabel (kept as a fallback when it does not).
        rules.Add(new RelabelRule(["__meta_kubernetes_service_name"], replacement: "${1}", targetLabel: "job"));
        if (!string.IsNullOrEmpty(monitor.Spec.JobLabel))
        {
            rules.Add(new RelabelRule(["__meta_kubernetes_service_label_" + KubernetesMetaLabels.Sanitize(monitor.Spec.JobLabel)], regex: Anything, replacement: "${1}", targetLabel: "job"));
        }
        AddEndpointLabel(rules, endpoint);
        return Build(monitor, endpoint, $"serviceMonitor/{monitor.Metadata.NamespaceProperty}/{monitor.Metadata.Name}/{index}", role, rules, defaults);
    }

    public static MonitorScrapeConfig ForPodMonitor(MonitorResource monitor, int index, ScrapeDefaults defaults)
    {
        var endpoint = monitor.Spec.PodMetricsEndpoints![index];
        var rules = new List<RelabelRule> { new(["job"], targetLabel: "__tmp_prometheus_job_name") };
        if (endpoint.FilterRunning ?? true)
        {
            rules.Add(Drop("__meta_kubernetes_pod_phase", "(Failed|Succeeded)"));
        }
        AddSelector(rules, monitor.Spec.Selector, "__meta_kubernetes_pod_");

        if (!string.IsNullOrEmpty(endpoint.Port))
        {
            rules.Add(Keep("__meta_kubernetes_pod_container_port_name", endpoint.Port));
        }
        else if (endpoint.PortNumber is { } number and not 0)
        {
            rules.Add(Keep("__meta_kubernetes_pod_container_port_number", KubernetesMetaLabels.Number(number)));
        }
        else if (endpoint.TargetPortText is { } targetPort)
        {
            rules.Add(Keep(endpoint.TargetPortIsName ? "__meta_kubernetes_pod_container_port_name" : "__meta_kubernetes_pod_container_port_number", targetPort));
        }

        rules.Add(new RelabelRule(["__meta_kubernetes_namespace"], targetLabel: "namespace"));
        rules.Add(new RelabelRule(["__meta_kubernetes_pod_container_name"], targetLabel: "container"));
        rules.Add(new RelabelRule(["__meta_kubernetes_pod_name"], targetLabel: "pod"));
        AddTargetLabels(rules, monitor.Spec.PodTargetLabels, "__meta_kubernetes_pod_label_");

        rules.Add(new RelabelRule(replacement: $"{monitor.Metadata.NamespaceProperty}/{monitor.Metadata.Name}", targetLabel: "job"));
        if (!string.IsNullOrEmpty(monitor.Spec.JobLabel))
        {
            rules.Add(new RelabelRule(["__meta_kubernetes_pod_label_" + KubernetesMetaLabels.Sanitize(monitor.Spec.JobLabel)], regex: Anything, replacement: "${1}", targetLabel: "job"));
        }
        AddEndpointLabel(rules, endpoint);
        return Build(monitor, endpoint, $"podMonitor/{monitor.Metadata.NamespaceProperty}/{monitor.Metadata.Name}/{index}", KubernetesRole.Pod, rules, defaults);
    }

    private static MonitorScrapeConfig Build(MonitorResource monitor, MonitorEndpoint endpoint, string jobName, KubernetesRole role, List<RelabelRule> rules, ScrapeDefaults defaults)
    {
        if (!string.IsNullOrEmpty(endpoint.BearerTokenFile))
        {
            // As Alloy without allow_arbitrary_file_access: whoever may write a monitor must not make this process
            // read its files and send them to a target.
            throw new ComponentArgumentException("bearerTokenFile", "bearerTokenFile is not allowed (it would read any file of this process); use a bearer token from a secret");
        }
        rules.AddRange(Convert(endpoint.Relabelings));
        var selector = monitor.Spec.NamespaceSelector;
        IReadOnlyList<string> namespaces = selector is { Any: true } ? []
            : selector?.MatchNames is { Count: > 0 } names ? [.. names]
            : [monitor.Metadata.NamespaceProperty ?? "default"];
        return new MonitorScrapeConfig
        {
            JobName = jobName,
            Role = role,
            Namespaces = namespaces,
            Relabelings = rules,
            MetricRelabelings = Convert(endpoint.MetricRelabelings),
            Interval = string.IsNullOrEmpty(endpoint.Interval) ? defaults.Interval : PrometheusDuration.Parse(endpoint.Interval),
            Timeout = string.IsNullOrEmpty(endpoint.ScrapeTimeout) ? defaults.Timeout : PrometheusDuration.Parse(endpoint.ScrapeTimeout),
            MetricsPath = string.IsNullOrEmpty(endpoint.Path) ? "/metrics" : endpoint.Path,
            Scheme = string.IsNullOrEmpty(endpoint.Scheme) ? "http" : endpoint.Scheme,
            Params = endpoint.Params?.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value]) ?? [],
            HonorLabels = endpoint.HonorLabels,
            HonorTimestamps = endpoint.HonorTimestamps ?? true,
            SampleLimit = monitor.Spec.SampleLimit ?? 0,
        };
    }

    /// <summary>matchLabels and the In/NotIn/Exists/DoesNotExist expressions as keep/drop rules on the object's labels.</summary>
    private static void AddSelector(List<RelabelRule> rules, V1LabelSelector selector, string prefix)
    {
        foreach (var (key, value) in (selector.MatchLabels ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            rules.Add(Keep([prefix + "label_" + KubernetesMetaLabels.Sanitize(key), prefix + "labelpresent_" + KubernetesMetaLabels.Sanitize(key)], $"({value});true"));
        }
        foreach (var expression in selector.MatchExpressions ?? [])
        {
            var key = KubernetesMetaLabels.Sanitize(expression.Key);
            string[] valueAndPresence = [prefix + "label_" + key, prefix + "labelpresent_" + key];
            var values = $"({string.Join('|', expression.Values ?? [])});true";
            switch (expression.OperatorProperty)
            {
                case "In":
                    rules.Add(Keep(valueAndPresence, values));
                    break;
                case "NotIn":
                    rules.Add(Drop(valueAndPresence, values));
                    break;
                case "Exists":
                    rules.Add(Keep(prefix + "labelpresent_" + key, True));
                    break;
                case "DoesNotExist":
                    rules.Add(Drop(prefix + "labelpresent_" + key, True));
                    break;
            }
        }
    }

    private static void AddTargetLabels(List<RelabelRule> rules, IList<string>? names, string prefix)
    {
        foreach (var name in names ?? [])
        {
            var sanitized = KubernetesMetaLabels.Sanitize(name);
            rules.Add(new RelabelRule([prefix + sanitized], regex: Anything, replacement: "${1}", targetLabel: sanitized));
        }
    }

    /// <summary>A service or pod may expose several metrics endpoints: <c>endpoint</c> names the port (or its number).</summary>
    private static void AddEndpointLabel(List<RelabelRule> rules, MonitorEndpoint endpoint)
    {
        if (!string.IsNullOrEmpty(endpoint.Port))
        {
            rules.Add(new RelabelRule(replacement: endpoint.Port, targetLabel: "endpoint"));
        }
        else if (endpoint.TargetPortText is { } targetPort)
        {
            rules.Add(new RelabelRule(replacement: targetPort, targetLabel: "endpoint"));
        }
    }

    private static IReadOnlyList<RelabelRule> Convert(IList<MonitorRelabel>? relabelings) =>
        (relabelings ?? []).Select(r => RelabelRule.Create(
            r.SourceLabels?.ToList(),
            r.Separator ?? RelabelRule.DefaultSeparator,
            r.Regex ?? RelabelRegex.DefaultPattern,
            r.Modulus ?? 0,
            r.TargetLabel ?? "",
            r.Replacement ?? RelabelRule.DefaultReplacement,
            string.IsNullOrEmpty(r.Action) ? "replace" : r.Action)).ToList();

    private static RelabelRule Keep(string label, string regex) => Keep([label], regex);

    private static RelabelRule Keep(string[] labels, string regex) => new(labels, regex: regex, action: RelabelAction.Keep);

    private static RelabelRule Drop(string label, string regex) => Drop([label], regex);

    private static RelabelRule Drop(string[] labels, string regex) => new(labels, regex: regex, action: RelabelAction.Drop);
}

/// <summary>The <c>scrape</c> block: what an endpoint without interval or timeout gets.</summary>
public sealed record ScrapeDefaults(TimeSpan Interval, TimeSpan Timeout);
