using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components;
using AlloyOrleans.Grains.Components.Discovery;
using AlloyOrleans.Grains.Components.Discovery.Kubernetes;
using k8s.Models;
using Xunit;

namespace AlloyOrleans.Tests.Discovery;

/// <summary>discovery.kubernetes against an API server stub on loopback (list + watch).</summary>
public sealed class KubernetesDiscoveryTests
{
    private static V1Pod Pod(string name, string ip, string ns = "default", Dictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            Uid = "uid-" + name,
            Labels = labels ?? new Dictionary<string, string> { ["app.kubernetes.io/name"] = "web" },
            Annotations = new Dictionary<string, string> { ["prometheus.io/scrape"] = "true" },
            OwnerReferences = [new V1OwnerReference { Kind = "ReplicaSet", Name = "web-abc", Controller = true, ApiVersion = "apps/v1", Uid = "rs" }],
        },
        Spec = new V1PodSpec
        {
            NodeName = "node-1",
            Containers =
            [
                new V1Container { Name = "app", Image = "web:1", Ports = [new V1ContainerPort { ContainerPort = 9100, Name = "metrics", Protocol = "TCP" }] },
                new V1Container { Name = "sidecar", Image = "proxy:2" },
            ],
        },
        Status = new V1PodStatus
        {
            PodIP = ip,
            HostIP = "192.168.0.1",
            Phase = "Running",
            Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }],
            ContainerStatuses = [new V1ContainerStatus { Name = "app", ContainerID = "containerd://abc", Image = "web:1", ImageID = "", Ready = true, RestartCount = 0 }],
        },
    };

    private static async Task<(DiscoveryKubernetesComponent Component, FakeComponentHost Host, Task Run, CancellationTokenSource Stop)> StartAsync(
        KubernetesApiStub stub, string role, params string[] namespaces)
    {
        var host = new FakeComponentHost($"discovery.kubernetes.{role}");
        var component = new DiscoveryKubernetesComponent(host);
        await component.UpdateAsync(new DiscoveryKubernetesArguments
        {
            ApiServer = stub.Url.ToString().TrimEnd('/'),
            Role = role,
            Namespaces = namespaces.Length > 0 ? new KubernetesNamespacesArguments { Names = namespaces } : null,
        }, default);
        var stop = new CancellationTokenSource();
        return (component, host, component.RunAsync(stop.Token), stop);
    }

    private static LabelSet ByAddress(DiscoveryExports exports, string address) => exports.Targets.Single(t => t.Get("__address__") == address);

    [Fact]
    public async Task Pods_appear_are_modified_and_disappear_through_the_watch()
    {
        await using var stub = new KubernetesApiStub();
        var web1 = Pod("web-1", "10.0.0.1");
        stub.Add(web1);
        stub.Add(Pod("elsewhere", "10.9.9.9", ns: "other"));
        var (_, host, run, stop) = await StartAsync(stub, "pod", "default");

        // Two targets for web-1: the declared port, and the port-less sidecar at the bare pod IP.
        var first = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 2);
        var app = ByAddress(first, "10.0.0.1:9100");
        Assert.Equal("default", app.Get("__meta_kubernetes_namespace"));
        Assert.Equal("web-1", app.Get("__meta_kubernetes_pod_name"));
        Assert.Equal("10.0.0.1", app.Get("__meta_kubernetes_pod_ip"));
        Assert.Equal("true", app.Get("__meta_kubernetes_pod_ready"));
        Assert.Equal("Running", app.Get("__meta_kubernetes_pod_phase"));
        Assert.Equal("node-1", app.Get("__meta_kubernetes_pod_node_name"));
        Assert.Equal("192.168.0.1", app.Get("__meta_kubernetes_pod_host_ip"));
        Assert.Equal("uid-web-1", app.Get("__meta_kubernetes_pod_uid"));
        Assert.Equal("web", app.Get("__meta_kubernetes_pod_label_app_kubernetes_io_name"));
        Assert.Equal("true", app.Get("__meta_kubernetes_pod_labelpresent_app_kubernetes_io_name"));
        Assert.Equal("true", app.Get("__meta_kubernetes_pod_annotation_prometheus_io_scrape"));
        Assert.Equal("true", app.Get("__meta_kubernetes_pod_annotationpresent_prometheus_io_scrape"));
        Assert.Equal("ReplicaSet", app.Get("__meta_kubernetes_pod_controller_kind"));
        Assert.Equal("web-abc", app.Get("__meta_kubernetes_pod_controller_name"));
        Assert.Equal("app", app.Get("__meta_kubernetes_pod_container_name"));
        Assert.Equal("web:1", app.Get("__meta_kubernetes_pod_container_image"));
        Assert.Equal("containerd://abc", app.Get("__meta_kubernetes_pod_container_id"));
        Assert.Equal("false", app.Get("__meta_kubernetes_pod_container_init"));
        Assert.Equal("metrics", app.Get("__meta_kubernetes_pod_container_port_name"));
        Assert.Equal("9100", app.Get("__meta_kubernetes_pod_container_port_number"));
        Assert.Equal("TCP", app.Get("__meta_kubernetes_pod_container_port_protocol"));
        Assert.Equal("sidecar", ByAddress(first, "10.0.0.1").Get("__meta_kubernetes_pod_container_name"));

        // A new pod arrives by watch.
        stub.Add(Pod("web-2", "10.0.0.2"));
        var added = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 4);
        Assert.Equal("web-2", ByAddress(added, "10.0.0.2:9100").Get("__meta_kubernetes_pod_name"));

        // A modified pod changes its labels.
        stub.Modify(Pod("web-1", "10.0.0.1", labels: new Dictionary<string, string> { ["tier"] = "gold" }));
        var modified = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Any(t => t.Get("__meta_kubernetes_pod_label_tier") == "gold"));
        Assert.Equal("", ByAddress(modified, "10.0.0.1:9100").Get("__meta_kubernetes_pod_label_app_kubernetes_io_name"));

        // A deleted pod takes its targets with it.
        stub.Delete(Pod("web-2", "10.0.0.2"));
        var deleted = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 2);
        Assert.DoesNotContain(deleted.Targets, t => t.Get("__meta_kubernetes_pod_name") == "web-2");
        Assert.DoesNotContain(deleted.Targets, t => t.Get("__meta_kubernetes_namespace") == "other");

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Reconnects_after_a_dropped_watch_and_relists_after_410_expired()
    {
        await using var stub = new KubernetesApiStub();
        stub.Add(Pod("web-1", "10.0.0.1"));
        var (_, host, run, stop) = await StartAsync(stub, "pod");
        await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 2);

        // The watch ends; a pod added meanwhile arrives on the next watch from the last resource version.
        var watches = stub.WatchRequests;
        stub.DropWatches();
        stub.Add(Pod("web-2", "10.0.0.2"));
        await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 4);
        Assert.True(stub.WatchRequests > watches, $"watch requests: {watches} before, {stub.WatchRequests} after; log: {string.Join(" | ", host.Logger.Messages)}");

        // History is compacted while the watch is down: the next watch gets 410 Expired and the client lists again.
        stub.DropWatches();
        stub.Delete(Pod("web-1", "10.0.0.1"));
        stub.Add(Pod("web-3", "10.0.0.3"));
        stub.Compact();
        var relisted = await host.WaitForExportsAsync<DiscoveryExports>(e =>
            e.Targets.Select(t => t.Get("__meta_kubernetes_pod_name")).Distinct().Order().SequenceEqual(["web-2", "web-3"]));
        Assert.Equal(4, relisted.Targets.Count);

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Service_node_and_endpoints_roles_carry_prometheus_meta_labels()
    {
        await using var stub = new KubernetesApiStub();
        stub.Add(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["team"] = "a" } },
            Spec = new V1ServiceSpec { Type = "ClusterIP", ClusterIP = "10.96.0.10", Ports = [new V1ServicePort { Name = "http", Port = 80, Protocol = "TCP" }] },
        });
        stub.Add(new V1Node
        {
            Metadata = new V1ObjectMeta { Name = "node-1", Labels = new Dictionary<string, string> { ["zone"] = "z1" } },
            Spec = new V1NodeSpec { ProviderID = "aws:///i-1" },
            Status = new V1NodeStatus
            {
                Addresses = [new V1NodeAddress { Type = "Hostname", Address = "node-1" }, new V1NodeAddress { Type = "InternalIP", Address = "192.168.0.1" }],
                DaemonEndpoints = new V1NodeDaemonEndpoints { KubeletEndpoint = new V1DaemonEndpoint { Port = 10250 } },
            },
        });
        stub.Add(Pod("web-1", "10.0.0.1"));
        stub.Add(new V1Endpoints
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default" },
            Subsets =
            [
                new V1EndpointSubset
                {
                    Addresses = [new V1EndpointAddress { Ip = "10.0.0.1", NodeName = "node-1", TargetRef = new V1ObjectReference { Kind = "Pod", Name = "web-1", NamespaceProperty = "default" } }],
                    NotReadyAddresses = [new V1EndpointAddress { Ip = "10.0.0.7" }],
                    Ports = [new Corev1EndpointPort { Name = "http", Port = 8080, Protocol = "TCP" }],
                },
            ],
        });

        var (_, serviceHost, serviceRun, serviceStop) = await StartAsync(stub, "service");
        var service = (await serviceHost.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 1)).Targets[0];
        Assert.Equal(LabelSet.From(
            ("__address__", "web.default.svc:80"),
            ("__meta_kubernetes_namespace", "default"),
            ("__meta_kubernetes_service_name", "web"),
            ("__meta_kubernetes_service_label_team", "a"),
            ("__meta_kubernetes_service_labelpresent_team", "true"),
            ("__meta_kubernetes_service_port_name", "http"),
            ("__meta_kubernetes_service_port_number", "80"),
            ("__meta_kubernetes_service_port_protocol", "TCP"),
            ("__meta_kubernetes_service_type", "ClusterIP"),
            ("__meta_kubernetes_service_cluster_ip", "10.96.0.10")), service);
        await serviceStop.CancelAsync();
        await serviceRun;

        var (_, nodeHost, nodeRun, nodeStop) = await StartAsync(stub, "node");
        var node = (await nodeHost.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 1)).Targets[0];
        Assert.Equal(LabelSet.From(
            ("__address__", "192.168.0.1:10250"),
            ("instance", "node-1"),
            ("__meta_kubernetes_node_name", "node-1"),
            ("__meta_kubernetes_node_provider_id", "aws:///i-1"),
            ("__meta_kubernetes_node_label_zone", "z1"),
            ("__meta_kubernetes_node_labelpresent_zone", "true"),
            ("__meta_kubernetes_node_address_InternalIP", "192.168.0.1"),
            ("__meta_kubernetes_node_address_Hostname", "node-1")), node);
        await nodeStop.CancelAsync();
        await nodeRun;

        var (_, endpointsHost, endpointsRun, endpointsStop) = await StartAsync(stub, "endpoints", "default");
        // Ready and not-ready addresses, plus web-1's declared port 9100 that no endpoint covers.
        var endpoints = await endpointsHost.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 3);
        var ready = ByAddress(endpoints, "10.0.0.1:8080");
        Assert.Equal("web", ready.Get("__meta_kubernetes_endpoints_name"));
        Assert.Equal("true", ready.Get("__meta_kubernetes_endpoint_ready"));
        Assert.Equal("http", ready.Get("__meta_kubernetes_endpoint_port_name"));
        Assert.Equal("node-1", ready.Get("__meta_kubernetes_endpoint_node_name"));
        Assert.Equal("Pod", ready.Get("__meta_kubernetes_endpoint_address_target_kind"));
        Assert.Equal("web-1", ready.Get("__meta_kubernetes_endpoint_address_target_name"));
        Assert.Equal("web-1", ready.Get("__meta_kubernetes_pod_name"));
        Assert.Equal("a", ready.Get("__meta_kubernetes_service_label_team"));
        Assert.Equal("false", ByAddress(endpoints, "10.0.0.7:8080").Get("__meta_kubernetes_endpoint_ready"));
        Assert.Equal("metrics", ByAddress(endpoints, "10.0.0.1:9100").Get("__meta_kubernetes_pod_container_port_name"));
        await endpointsStop.CancelAsync();
        await endpointsRun;
    }

    [Theory]
    [InlineData("ingresses", "role")]
    [InlineData("pods", "role")]
    public async Task Invalid_arguments_are_rejected(string role, string attribute)
    {
        var component = new DiscoveryKubernetesComponent(new FakeComponentHost("discovery.kubernetes.invalid"));

        var error = await Assert.ThrowsAsync<ComponentArgumentException>(
            () => component.UpdateAsync(new DiscoveryKubernetesArguments { Role = role, ApiServer = "http://127.0.0.1:1" }, default));

        Assert.Equal(attribute, error.AttributeName);
    }

    [Fact]
    public async Task Outside_a_cluster_an_api_server_or_kubeconfig_is_required()
    {
        if (k8s.KubernetesClientConfiguration.IsInCluster())
        {
            // Inside a pod the in-cluster configuration is a valid default; nothing to check here.
            return;
        }
        var component = new DiscoveryKubernetesComponent(new FakeComponentHost("discovery.kubernetes.nowhere"));

        var error = await Assert.ThrowsAsync<ComponentArgumentException>(() => component.UpdateAsync(new DiscoveryKubernetesArguments { Role = "pod" }, default));

        Assert.Equal("api_server", error.AttributeName);
    }

    [Fact]
    public async Task Selectors_for_another_role_are_rejected()
    {
        var component = new DiscoveryKubernetesComponent(new FakeComponentHost("discovery.kubernetes.selectors"));

        var error = await Assert.ThrowsAsync<ComponentArgumentException>(() => component.UpdateAsync(
            new DiscoveryKubernetesArguments { Role = "pod", ApiServer = "http://127.0.0.1:1", Selectors = [new KubernetesSelectorArguments { Role = "node", Label = "a=b" }] },
            default));

        Assert.Equal("selectors", error.AttributeName);
    }
}
