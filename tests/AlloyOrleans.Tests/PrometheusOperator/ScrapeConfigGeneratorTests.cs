using System.Text.Json;
using AlloyOrleans.Grains.Components.Prometheus.Operator;
using AlloyOrleans.Grains.Discovery.Kubernetes;
using AlloyOrleans.Grains.Discovery.Relabel;
using k8s.Models;
using Xunit;

namespace AlloyOrleans.Tests.PrometheusOperator;

/// <summary>
/// The generated scrape configuration, rule for rule, against the expected relabel lists of Alloy's own config
/// generator tests (config_gen_servicemonitor_test.go and config_gen_podmonitor_test.go, without the test's extra rule).
/// </summary>
public sealed class ScrapeConfigGeneratorTests
{
    private static readonly ScrapeDefaults Defaults = new(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10));

    private static MonitorResource Monitor(MonitorSpec spec) => new()
    {
        Kind = "ServiceMonitor",
        Metadata = new V1ObjectMeta { Name = "svcmonitor", NamespaceProperty = "operator" },
        Spec = spec,
    };

    private static string Rule(string[] source, string targetLabel = "", string regex = "(.*)", string replacement = "$1", string action = "replace") =>
        new RelabelRule(source, regex: regex, targetLabel: targetLabel, replacement: replacement, action: RelabelActionNames.TryParse(action, out var a) ? a : throw new ArgumentException(action)).ToString();

    private static readonly string[] EndpointTarget = ["__meta_kubernetes_endpoint_address_target_kind", "__meta_kubernetes_endpoint_address_target_name"];

    private static List<string> DefaultTail(string[] addressTarget) =>
    [
        Rule(addressTarget, "node", "Node;(.*)", "${1}"),
        Rule(addressTarget, "pod", "Pod;(.*)", "${1}"),
        Rule(["__meta_kubernetes_namespace"], "namespace"),
        Rule(["__meta_kubernetes_service_name"], "service"),
        Rule(["__meta_kubernetes_pod_container_name"], "container"),
        Rule(["__meta_kubernetes_pod_name"], "pod"),
        Rule(["__meta_kubernetes_pod_phase"], regex: "(Failed|Succeeded)", action: "drop"),
        Rule(["__meta_kubernetes_service_name"], "job", replacement: "${1}"),
    ];

    [Fact]
    public void A_bare_service_monitor_gets_Alloys_default_rules_namespace_and_job()
    {
        var config = ScrapeConfigGenerator.ForServiceMonitor(Monitor(new MonitorSpec { Endpoints = [new MonitorEndpoint()] }), 0, KubernetesRole.Endpoints, Defaults);

        Assert.Equal([Rule(["job"], "__tmp_prometheus_job_name"), .. DefaultTail(EndpointTarget)], config.Relabelings.Select(r => r.ToString()));
        Assert.Equal("serviceMonitor/operator/svcmonitor/0", config.JobName);
        Assert.Equal(["operator"], config.Namespaces);
        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10), "/metrics", "http"), (config.Interval, config.Timeout, config.MetricsPath, config.Scheme));
    }

    [Fact]
    public void An_endpointslice_service_monitor_with_an_int_target_port_matches_Alloy()
    {
        var endpoint = new MonitorEndpoint { TargetPort = JsonSerializer.SerializeToElement(4242) };
        var config = ScrapeConfigGenerator.ForServiceMonitor(Monitor(new MonitorSpec { Endpoints = [endpoint] }), 0, KubernetesRole.EndpointSlice, Defaults);

        Assert.Equal(
            [
                Rule(["job"], "__tmp_prometheus_job_name"),
                Rule(["__meta_kubernetes_pod_container_port_number"], regex: "4242", action: "keep"),
                .. DefaultTail(["__meta_kubernetes_endpointslice_address_target_kind", "__meta_kubernetes_endpointslice_address_target_name"]),
                Rule([], "endpoint", replacement: "4242"),
            ],
            config.Relabelings.Select(r => r.ToString()));
    }

    [Fact]
    public void Everything_a_service_monitor_can_say_becomes_Alloys_rules_in_Alloys_order()
    {
        var spec = new MonitorSpec
        {
            JobLabel = "joblabelispecify",
            TargetLabels = ["a", "b"],
            PodTargetLabels = ["c", "d"],
            Selector = new V1LabelSelector
            {
                MatchLabels = new Dictionary<string, string> { ["foo"] = "bar" },
                MatchExpressions =
                [
                    new V1LabelSelectorRequirement { Key = "key", OperatorProperty = "In", Values = ["val0", "val1"] },
                    new V1LabelSelectorRequirement { Key = "key", OperatorProperty = "NotIn", Values = ["val2", "val3"] },
                    new V1LabelSelectorRequirement { Key = "key", OperatorProperty = "Exists" },
                    new V1LabelSelectorRequirement { Key = "key2", OperatorProperty = "DoesNotExist" },
                ],
            },
            NamespaceSelector = new NamespaceSelector { MatchNames = ["ns_a", "ns_b"] },
            SampleLimit = 101,
            Endpoints =
            [
                new MonitorEndpoint
                {
                    Port = "metrics", Path = "/foo", Scheme = "https", ScrapeTimeout = "17s", Interval = "12m", HonorLabels = true,
                    HonorTimestamps = false, FilterRunning = false, Relabelings = [new MonitorRelabel { SourceLabels = ["foo"], TargetLabel = "bar" }],
                },
            ],
        };

        var config = ScrapeConfigGenerator.ForServiceMonitor(Monitor(spec), 0, KubernetesRole.Endpoints, Defaults);

        string[] Service(string key) => ["__meta_kubernetes_service_label_" + key, "__meta_kubernetes_service_labelpresent_" + key];
        Assert.Equal(
            [
                Rule(["job"], "__tmp_prometheus_job_name"),
                Rule(Service("foo"), regex: "(bar);true", action: "keep"),
                Rule(Service("key"), regex: "(val0|val1);true", action: "keep"),
                Rule(Service("key"), regex: "(val2|val3);true", action: "drop"),
                Rule(["__meta_kubernetes_service_labelpresent_key"], regex: "true", action: "keep"),
                Rule(["__meta_kubernetes_service_labelpresent_key2"], regex: "true", action: "drop"),
                Rule(["__meta_kubernetes_endpoint_port_name"], regex: "metrics", action: "keep"),
                Rule(EndpointTarget, "node", "Node;(.*)", "${1}"),
                Rule(EndpointTarget, "pod", "Pod;(.*)", "${1}"),
                Rule(["__meta_kubernetes_namespace"], "namespace"),
                Rule(["__meta_kubernetes_service_name"], "service"),
                Rule(["__meta_kubernetes_pod_container_name"], "container"),
                Rule(["__meta_kubernetes_pod_name"], "pod"),
                Rule(["__meta_kubernetes_service_label_a"], "a", "(.+)", "${1}"),
                Rule(["__meta_kubernetes_service_label_b"], "b", "(.+)", "${1}"),
                Rule(["__meta_kubernetes_pod_label_c"], "c", "(.+)", "${1}"),
                Rule(["__meta_kubernetes_pod_label_d"], "d", "(.+)", "${1}"),
                Rule(["__meta_kubernetes_service_name"], "job", replacement: "${1}"),
                Rule(["__meta_kubernetes_service_label_joblabelispecify"], "job", "(.+)", "${1}"),
                Rule([], "endpoint", replacement: "metrics"),
                Rule(["foo"], "bar"),
            ],
            config.Relabelings.Select(r => r.ToString()));
        Assert.Equal(["ns_a", "ns_b"], config.Namespaces);
        Assert.Equal((TimeSpan.FromMinutes(12), TimeSpan.FromSeconds(17), "/foo", "https", true, false, 101),
            (config.Interval, config.Timeout, config.MetricsPath, config.Scheme, config.HonorLabels, config.HonorTimestamps, config.SampleLimit));
    }

    [Fact]
    public void A_pod_monitor_names_its_job_after_the_monitor()
    {
        var monitor = Monitor(new MonitorSpec { PodMetricsEndpoints = [new MonitorEndpoint { Port = "web" }] });
        monitor.Kind = "PodMonitor";

        var config = ScrapeConfigGenerator.ForPodMonitor(monitor, 1 - 1, Defaults);

        Assert.Equal(
            [
                Rule(["job"], "__tmp_prometheus_job_name"),
                Rule(["__meta_kubernetes_pod_phase"], regex: "(Failed|Succeeded)", action: "drop"),
                Rule(["__meta_kubernetes_pod_container_port_name"], regex: "web", action: "keep"),
                Rule(["__meta_kubernetes_namespace"], "namespace"),
                Rule(["__meta_kubernetes_pod_container_name"], "container"),
                Rule(["__meta_kubernetes_pod_name"], "pod"),
                Rule([], "job", replacement: "operator/svcmonitor"),
                Rule([], "endpoint", replacement: "web"),
            ],
            config.Relabelings.Select(r => r.ToString()));
        Assert.Equal("podMonitor/operator/svcmonitor/0", config.JobName);
        Assert.Equal(KubernetesRole.Pod, config.Role);
    }

    [Fact]
    public void A_monitor_cannot_make_the_silo_read_a_file_of_its_choosing()
    {
        var monitor = Monitor(new MonitorSpec { Endpoints = [new MonitorEndpoint { Port = "web", BearerTokenFile = "/etc/shadow" }] });

        var error = Assert.Throws<AlloyOrleans.Grains.Components.ComponentArgumentException>(() => ScrapeConfigGenerator.ForServiceMonitor(monitor, 0, KubernetesRole.Endpoints, Defaults));

        Assert.Equal("bearerTokenFile", error.AttributeName);
    }
}
