using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components.Discovery;
using AlloyOrleans.Grains.Components.Discovery.Kubernetes;
using k8s.Models;
using Xunit;

namespace AlloyOrleans.Tests.Discovery;

/// <summary>
/// The endpointslice and ingress roles and attach_metadata against the API-server stub: objects appear, change and
/// vanish through the watch, and the targets carry exactly the labels Prometheus (so Alloy) gives the same objects —
/// the slices below are those of Prometheus' own endpointslice tests, with their expected label sets.
/// </summary>
public sealed class KubernetesRolesTests
{
    /// <summary>Prometheus' makeEndpointSliceV1: four endpoints, one with every optional field set.</summary>
    private static V1EndpointSlice PrometheusSlice(int endpoints = 4) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "testendpoints",
            NamespaceProperty = "default",
            Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = "testendpoints" },
            Annotations = new Dictionary<string, string> { ["test.annotation"] = "test" },
        },
        AddressType = "IPv4",
        Ports = [new Discoveryv1EndpointPort { Name = "testport", Port = 9000, Protocol = "TCP", AppProtocol = "http" }],
        Endpoints = new List<V1Endpoint>
        {
            new()
            {
                Addresses = ["1.2.3.4"],
                Conditions = new V1EndpointConditions { Ready = true, Serving = true, Terminating = false },
                Hostname = "testendpoint1",
                TargetRef = new V1ObjectReference(),
                NodeName = "foobar",
                DeprecatedTopology = new Dictionary<string, string> { ["topology"] = "value" },
                Zone = "us-east-1a",
            },
            new() { Addresses = ["2.3.4.5"], Conditions = new V1EndpointConditions { Ready = true, Serving = true, Terminating = false }, Zone = "us-east-1b" },
            new() { Addresses = ["3.4.5.6"], Conditions = new V1EndpointConditions { Ready = false, Serving = true, Terminating = true }, Zone = "us-east-1c" },
            new()
            {
                Addresses = ["4.5.6.7"],
                Conditions = new V1EndpointConditions { Ready = true, Serving = true, Terminating = false },
                TargetRef = new V1ObjectReference { Kind = "Node", Name = "barbaz" },
                Zone = "us-east-1a",
            },
        }.Take(endpoints).ToList(),
    };

    private static readonly Dictionary<string, string> PrometheusSliceGroup = new()
    {
        ["__meta_kubernetes_endpointslice_address_type"] = "IPv4",
        ["__meta_kubernetes_namespace"] = "default",
        ["__meta_kubernetes_endpointslice_name"] = "testendpoints",
        ["__meta_kubernetes_endpointslice_label_kubernetes_io_service_name"] = "testendpoints",
        ["__meta_kubernetes_endpointslice_labelpresent_kubernetes_io_service_name"] = "true",
        ["__meta_kubernetes_endpointslice_annotation_test_annotation"] = "test",
        ["__meta_kubernetes_endpointslice_annotationpresent_test_annotation"] = "true",
    };

    private static Dictionary<string, string> Port9000(string address, bool ready, bool serving, bool terminating, string zone) => new()
    {
        ["__address__"] = address,
        ["__meta_kubernetes_endpointslice_endpoint_conditions_ready"] = ready ? "true" : "false",
        ["__meta_kubernetes_endpointslice_endpoint_conditions_serving"] = serving ? "true" : "false",
        ["__meta_kubernetes_endpointslice_endpoint_conditions_terminating"] = terminating ? "true" : "false",
        ["__meta_kubernetes_endpointslice_endpoint_zone"] = zone,
        ["__meta_kubernetes_endpointslice_port"] = "9000",
        ["__meta_kubernetes_endpointslice_port_app_protocol"] = "http",
        ["__meta_kubernetes_endpointslice_port_name"] = "testport",
        ["__meta_kubernetes_endpointslice_port_protocol"] = "TCP",
    };

    /// <summary>Prometheus' expected targets for <see cref="PrometheusSlice"/>, each merged with the group labels as Alloy exports them.</summary>
    private static List<LabelSet> PrometheusSliceTargets(int endpoints = 4)
    {
        var first = Port9000("1.2.3.4:9000", true, true, false, "us-east-1a");
        first["__meta_kubernetes_endpointslice_address_target_kind"] = "";
        first["__meta_kubernetes_endpointslice_address_target_name"] = "";
        first["__meta_kubernetes_endpointslice_endpoint_hostname"] = "testendpoint1";
        first["__meta_kubernetes_endpointslice_endpoint_node_name"] = "foobar";
        first["__meta_kubernetes_endpointslice_endpoint_topology_present_topology"] = "true";
        first["__meta_kubernetes_endpointslice_endpoint_topology_topology"] = "value";
        var fourth = Port9000("4.5.6.7:9000", true, true, false, "us-east-1a");
        fourth["__meta_kubernetes_endpointslice_address_target_kind"] = "Node";
        fourth["__meta_kubernetes_endpointslice_address_target_name"] = "barbaz";
        return new[] { first, Port9000("2.3.4.5:9000", true, true, false, "us-east-1b"), Port9000("3.4.5.6:9000", false, true, true, "us-east-1c"), fourth }
            .Take(endpoints)
            .Select(t => Merge(t, PrometheusSliceGroup))
            .ToList();
    }

    private static LabelSet Merge(Dictionary<string, string> target, IReadOnlyDictionary<string, string> group)
    {
        var merged = new Dictionary<string, string>(group);
        foreach (var (name, value) in target)
        {
            merged[name] = value;
        }
        return LabelSet.FromDictionary(merged);
    }

    private static async Task<(FakeComponentHost Host, Task Run, CancellationTokenSource Stop)> StartAsync(
        KubernetesApiStub stub, string role, bool attachNode = false)
    {
        var host = new FakeComponentHost($"discovery.kubernetes.{role}");
        var component = new DiscoveryKubernetesComponent(host);
        await component.UpdateAsync(new DiscoveryKubernetesArguments
        {
            ApiServer = stub.Url.ToString().TrimEnd('/'),
            Role = role,
            Namespaces = new KubernetesNamespacesArguments { Names = ["default"] },
            AttachMetadata = attachNode ? new KubernetesAttachMetadataArguments { Node = true } : null,
        }, default);
        var stop = new CancellationTokenSource();
        return (host, component.RunAsync(stop.Token), stop);
    }

    private static async Task StopAsync(Task run, CancellationTokenSource stop)
    {
        await stop.CancelAsync();
        await run;
        stop.Dispose();
    }

    private static void AssertSameTargets(IEnumerable<LabelSet> expected, IReadOnlyList<LabelSet> actual) =>
        Assert.Equal(
            expected.Select(t => t.ToString()).Order(StringComparer.Ordinal),
            actual.Select(t => t.ToString()).Order(StringComparer.Ordinal));

    [Fact]
    public async Task Endpointslices_give_Prometheus_labels_and_follow_the_watch()
    {
        await using var stub = new KubernetesApiStub();
        stub.Add(PrometheusSlice());
        var (host, run, stop) = await StartAsync(stub, "endpointslice");

        var first = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 4);
        AssertSameTargets(PrometheusSliceTargets(), first.Targets);

        // The service the slice names in kubernetes.io/service-name appears: its labels join every target.
        stub.Add(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "testendpoints", NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = "api" } },
            Spec = new V1ServiceSpec { ClusterIP = "10.96.0.10", Type = "ClusterIP" },
        });
        var withService = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 4 && e.Targets.All(t => t.Get("__meta_kubernetes_service_name") == "testendpoints"));
        Assert.All(withService.Targets, t => Assert.Equal("api", t.Get("__meta_kubernetes_service_label_app")));

        // Prometheus' update test: labels and annotations dropped, two endpoints left.
        var updated = PrometheusSlice(endpoints: 2);
        updated.Metadata.Labels = null;
        updated.Metadata.Annotations = null;
        stub.Modify(updated);
        var modified = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 2);
        Assert.All(modified.Targets, t => Assert.False(t.Contains("__meta_kubernetes_endpointslice_label_kubernetes_io_service_name")));
        Assert.Equal(["1.2.3.4:9000", "2.3.4.5:9000"], modified.Targets.Select(t => t.Get("__address__")).Order());

        stub.Delete(updated);
        await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 0);
        await StopAsync(run, stop);
    }

    [Fact]
    public async Task An_endpointslice_backed_by_a_pod_carries_the_pod_and_its_uncovered_ports_and_the_service()
    {
        await using var stub = new KubernetesApiStub();
        // Prometheus' TestEndpointSliceDiscoveryAdd pod, slice and expected targets.
        stub.Add(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "testpod", NamespaceProperty = "default", Uid = "deadbeef" },
            Spec = new V1PodSpec
            {
                NodeName = "testnode",
                Containers =
                [
                    new V1Container { Name = "c1", Image = "c1:latest", Ports = [new V1ContainerPort { Name = "mainport", ContainerPort = 9000, Protocol = "TCP" }] },
                    new V1Container { Name = "c2", Image = "c2:latest", Ports = [new V1ContainerPort { Name = "sideport", ContainerPort = 9001, Protocol = "TCP" }] },
                ],
            },
            Status = new V1PodStatus { HostIP = "2.3.4.5", PodIP = "1.2.3.4" },
        });
        var (host, run, stop) = await StartAsync(stub, "endpointslice");
        await host.WaitForExportsAsync<DiscoveryExports>(_ => true);
        stub.Add(new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta { Name = "testendpoints", NamespaceProperty = "default" },
            AddressType = "IPv4",
            Ports = [new Discoveryv1EndpointPort { Name = "testport", Port = 9000, Protocol = "TCP" }],
            Endpoints =
            [
                new V1Endpoint
                {
                    Addresses = ["4.3.2.1"],
                    TargetRef = new V1ObjectReference { Kind = "Pod", Name = "testpod", NamespaceProperty = "default" },
                    Conditions = new V1EndpointConditions { Ready = false },
                },
            ],
        });

        var exports = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 2);
        var pod = new Dictionary<string, string>
        {
            ["__meta_kubernetes_pod_host_ip"] = "2.3.4.5",
            ["__meta_kubernetes_pod_ip"] = "1.2.3.4",
            ["__meta_kubernetes_pod_name"] = "testpod",
            ["__meta_kubernetes_pod_node_name"] = "testnode",
            ["__meta_kubernetes_pod_phase"] = "",
            ["__meta_kubernetes_pod_ready"] = "unknown",
            ["__meta_kubernetes_pod_uid"] = "deadbeef",
            ["__meta_kubernetes_pod_container_init"] = "false",
        };
        var group = new Dictionary<string, string>
        {
            ["__meta_kubernetes_endpointslice_address_type"] = "IPv4",
            ["__meta_kubernetes_endpointslice_name"] = "testendpoints",
            ["__meta_kubernetes_namespace"] = "default",
        };
        var endpoint = new Dictionary<string, string>(pod)
        {
            ["__address__"] = "4.3.2.1:9000",
            ["__meta_kubernetes_endpointslice_address_target_kind"] = "Pod",
            ["__meta_kubernetes_endpointslice_address_target_name"] = "testpod",
            ["__meta_kubernetes_endpointslice_endpoint_conditions_ready"] = "false",
            ["__meta_kubernetes_endpointslice_port"] = "9000",
            ["__meta_kubernetes_endpointslice_port_name"] = "testport",
            ["__meta_kubernetes_endpointslice_port_protocol"] = "TCP",
            ["__meta_kubernetes_pod_container_name"] = "c1",
            ["__meta_kubernetes_pod_container_image"] = "c1:latest",
            ["__meta_kubernetes_pod_container_port_name"] = "mainport",
            ["__meta_kubernetes_pod_container_port_number"] = "9000",
            ["__meta_kubernetes_pod_container_port_protocol"] = "TCP",
        };
        var uncovered = new Dictionary<string, string>(pod)
        {
            ["__address__"] = "1.2.3.4:9001",
            ["__meta_kubernetes_pod_container_name"] = "c2",
            ["__meta_kubernetes_pod_container_image"] = "c2:latest",
            ["__meta_kubernetes_pod_container_port_name"] = "sideport",
            ["__meta_kubernetes_pod_container_port_number"] = "9001",
            ["__meta_kubernetes_pod_container_port_protocol"] = "TCP",
        };
        AssertSameTargets([Merge(endpoint, group), Merge(uncovered, group)], exports.Targets);
        await StopAsync(run, stop);
    }

    [Fact]
    public async Task Ingress_rules_become_one_target_per_host_and_path_with_the_tls_scheme()
    {
        await using var stub = new KubernetesApiStub();
        var ingress = new V1Ingress
        {
            Metadata = new V1ObjectMeta
            {
                Name = "testingress",
                NamespaceProperty = "default",
                Labels = new Dictionary<string, string> { ["test/label"] = "testvalue" },
                Annotations = new Dictionary<string, string> { ["test/annotation"] = "testannotationvalue" },
            },
            Spec = new V1IngressSpec
            {
                IngressClassName = "testclass",
                Tls = [new V1IngressTLS { Hosts = ["*.example.com"] }],
                Rules =
                [
                    new V1IngressRule
                    {
                        Host = "example.com",
                        Http = new V1HTTPIngressRuleValue
                        {
                            Paths =
                            [
                                new V1HTTPIngressPath { Path = "/", PathType = "Prefix", Backend = new V1IngressBackend() },
                                new V1HTTPIngressPath { Path = "/foo", PathType = "Prefix", Backend = new V1IngressBackend() },
                            ],
                        },
                    },
                    // A rule without HTTP paths is path "/"; the wildcard TLS host covers this one.
                    new V1IngressRule { Host = "test.example.com" },
                ],
            },
        };
        stub.Add(ingress);
        var (host, run, stop) = await StartAsync(stub, "ingress");

        var exports = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 3);
        var group = new Dictionary<string, string>
        {
            ["__meta_kubernetes_ingress_name"] = "testingress",
            ["__meta_kubernetes_namespace"] = "default",
            ["__meta_kubernetes_ingress_class_name"] = "testclass",
            ["__meta_kubernetes_ingress_label_test_label"] = "testvalue",
            ["__meta_kubernetes_ingress_labelpresent_test_label"] = "true",
            ["__meta_kubernetes_ingress_annotation_test_annotation"] = "testannotationvalue",
            ["__meta_kubernetes_ingress_annotationpresent_test_annotation"] = "true",
        };
        Dictionary<string, string> Target(string host, string scheme, string path) => new()
        {
            ["__address__"] = host,
            ["__meta_kubernetes_ingress_scheme"] = scheme,
            ["__meta_kubernetes_ingress_host"] = host,
            ["__meta_kubernetes_ingress_path"] = path,
        };
        AssertSameTargets(
            [
                Merge(Target("example.com", "http", "/"), group),
                Merge(Target("example.com", "http", "/foo"), group),
                Merge(Target("test.example.com", "https", "/"), group),
            ],
            exports.Targets);

        ingress.Spec.Rules = [ingress.Spec.Rules[1]];
        stub.Modify(ingress);
        var modified = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 1);
        Assert.Equal("test.example.com", modified.Targets[0].Get("__address__"));

        stub.Delete(ingress);
        await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 0);
        await StopAsync(run, stop);
    }

    [Fact]
    public async Task Attach_metadata_node_adds_the_node_labels_and_follows_node_changes()
    {
        await using var stub = new KubernetesApiStub();
        V1Node Node(string zone) => new()
        {
            Metadata = new V1ObjectMeta
            {
                Name = "node-1",
                Labels = new Dictionary<string, string> { ["topology.kubernetes.io/zone"] = zone },
                Annotations = new Dictionary<string, string> { ["node.alpha.kubernetes.io/ttl"] = "0" },
            },
        };
        stub.Add(Node("eu-1a"));
        stub.Add(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "u" },
            Spec = new V1PodSpec { NodeName = "node-1", Containers = [new V1Container { Name = "app", Image = "web:1", Ports = [new V1ContainerPort { ContainerPort = 8080 }] }] },
            Status = new V1PodStatus { PodIP = "10.1.0.1" },
        });
        var (host, run, stop) = await StartAsync(stub, "pod", attachNode: true);

        var first = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 1);
        var target = first.Targets[0];
        Assert.Equal("node-1", target.Get("__meta_kubernetes_node_name"));
        Assert.Equal("eu-1a", target.Get("__meta_kubernetes_node_label_topology_kubernetes_io_zone"));
        Assert.Equal("true", target.Get("__meta_kubernetes_node_labelpresent_topology_kubernetes_io_zone"));
        Assert.Equal("0", target.Get("__meta_kubernetes_node_annotation_node_alpha_kubernetes_io_ttl"));

        stub.Modify(Node("eu-1b"));
        await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 1 && e.Targets[0].Get("__meta_kubernetes_node_label_topology_kubernetes_io_zone") == "eu-1b");
        await StopAsync(run, stop);
    }
}
