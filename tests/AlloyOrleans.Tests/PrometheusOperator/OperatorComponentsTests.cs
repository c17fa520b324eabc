using System.Text.Json;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components.Prometheus.Operator;
using AlloyOrleans.Grains.Components.Prometheus.Scrape;
using AlloyOrleans.Grains.Scrape;
using AlloyOrleans.Tests.Configuration;
using AlloyOrleans.Tests.Discovery;
using k8s.Models;
using Xunit;

namespace AlloyOrleans.Tests.PrometheusOperator;

/// <summary>
/// prometheus.operator.servicemonitors and .podmonitors against the API-server stub: monitors appear, change and
/// vanish through the watch; each endpoint becomes a scrape job in the registry prometheus.scrape feeds, with the
/// interval, path and relabelings of the monitor and the target labels Alloy's config generator gives the same objects.
/// </summary>
public sealed class OperatorComponentsTests
{
    private static V1Pod Pod(string name, string ip, string phase = "Running") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Uid = "uid-" + name, Labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "gold" } },
        Spec = new V1PodSpec
        {
            NodeName = "node-1",
            Containers = [new V1Container { Name = "app", Image = "web:1", Ports = [new V1ContainerPort { Name = "metrics", ContainerPort = 9100 }, new V1ContainerPort { Name = "http", ContainerPort = 8080 }] }],
        },
        Status = new V1PodStatus { PodIP = ip, Phase = phase },
    };

    private static MonitorResource ServiceMonitor(string interval, Dictionary<string, string>? labels = null) => new()
    {
        Kind = "ServiceMonitor",
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "sm-web", Labels = labels ?? new Dictionary<string, string> { ["team"] = "platform" } },
        Spec = new MonitorSpec
        {
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            TargetLabels = ["app"],
            Endpoints =
            [
                new MonitorEndpoint
                {
                    Port = "metrics",
                    Interval = interval,
                    Path = "/custom-metrics",
                    Relabelings = [new MonitorRelabel { TargetLabel = "cluster", Replacement = "eu-1" }],
                },
            ],
        },
    };

    private static (ServiceMonitorsComponent Component, RecordingScrapeRegistry Registry) ServiceMonitors()
    {
        var registry = new RecordingScrapeRegistry();
        return (new ServiceMonitorsComponent(new FakeComponentHost("prometheus.operator.servicemonitors.default"), registry), registry);
    }

    private static async Task<(ScrapeJob Job, IReadOnlyList<LabelSet> Targets)> WaitForAsync(RecordingScrapeRegistry registry, Func<ScrapeJob, IReadOnlyList<LabelSet>, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            if (registry.Applied.LastOrDefault(a => condition(a.Job, a.Targets)) is { Job: not null } found)
            {
                return found;
            }
            await Task.Delay(20, timeout.Token);
        }
    }

    private static Dictionary<string, string> Visible(LabelSet target) =>
        target.Where(l => !l.Name.StartsWith("__meta_", StringComparison.Ordinal)).ToDictionary(l => l.Name, l => l.Value);

    [Fact]
    public async Task Service_monitors_become_scrape_jobs_that_follow_the_monitor()
    {
        await using var stub = new KubernetesApiStub();
        stub.Add(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = "web" } },
            Spec = new V1ServiceSpec { ClusterIP = "10.96.0.5", Ports = [new V1ServicePort { Name = "metrics", Port = 9100 }] },
        });
        stub.Add(new V1Service { Metadata = new V1ObjectMeta { Name = "other", NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = "other" } }, Spec = new V1ServiceSpec() });
        stub.Add(Pod("web-1", "10.0.0.1"));
        stub.Add(Pod("web-done", "10.0.0.9", phase: "Succeeded"));
        V1EndpointAddress Address(string ip, string pod) => new() { Ip = ip, TargetRef = new V1ObjectReference { Kind = "Pod", Name = pod, NamespaceProperty = "default" } };
        stub.Add(new V1Endpoints
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default" },
            Subsets = [new V1EndpointSubset
            {
                Addresses = [Address("10.0.0.1", "web-1"), Address("10.0.0.9", "web-done")],
                Ports = [new Corev1EndpointPort { Name = "metrics", Port = 9100, Protocol = "TCP" }, new Corev1EndpointPort { Name = "http", Port = 8080, Protocol = "TCP" }],
            }],
        });
        stub.Add(new V1Endpoints
        {
            Metadata = new V1ObjectMeta { Name = "other", NamespaceProperty = "default" },
            Subsets = [new V1EndpointSubset { Addresses = [new V1EndpointAddress { Ip = "10.0.1.1" }], Ports = [new Corev1EndpointPort { Name = "metrics", Port = 9100 }] }],
        });
        stub.Add(ServiceMonitor("15s"));
        var (component, registry) = ServiceMonitors();
        await component.UpdateAsync(new ServiceMonitorsArguments
        {
            Client = new OperatorClientArguments { ApiServer = stub.Url.ToString().TrimEnd('/') },
            Selector = new MonitorSelectorArguments { MatchLabels = new Dictionary<string, string> { ["team"] = "platform" } },
            Clustering = new ClusteringArguments { Enabled = true },
        }, default);
        using var stop = new CancellationTokenSource();
        var run = component.RunAsync(stop.Token);

        const string componentId = "prometheus.operator.servicemonitors.default/serviceMonitor/default/web/0";
        var (job, targets) = await WaitForAsync(registry, (j, t) => j.ComponentId == componentId && t.Count > 0);
        Assert.Equal("serviceMonitor/default/web/0", job.JobName);
        Assert.Equal(TimeSpan.FromSeconds(15), job.Interval);
        Assert.Equal("/custom-metrics", job.MetricsPath);
        Assert.True(job.ClusteringEnabled);
        // Only the selected service, only the monitor's port, and not the pod that has finished.
        var target = Assert.Single(targets);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["__address__"] = "10.0.0.1:9100",
                ["__metrics_path__"] = "/custom-metrics",
                ["__scheme__"] = "http",
                ["__tmp_prometheus_job_name"] = "serviceMonitor/default/web/0",
                ["job"] = "web",
                ["namespace"] = "default",
                ["service"] = "web",
                ["pod"] = "web-1",
                ["container"] = "app",
                ["endpoint"] = "metrics",
                ["app"] = "web",
                ["cluster"] = "eu-1",
            },
            Visible(target));

        // The monitor changes its interval: the job follows.
        stub.Modify(ServiceMonitor("30s"));
        await WaitForAsync(registry, (j, t) => j.ComponentId == componentId && j.Interval == TimeSpan.FromSeconds(30) && t.Count == 1);

        // A monitor the component's selector does not pick is ignored; the picked one vanishing removes its job.
        stub.Add(new MonitorResource { Kind = "ServiceMonitor", Metadata = new V1ObjectMeta { Name = "ignored", NamespaceProperty = "default", Uid = "sm-x", Labels = new Dictionary<string, string> { ["team"] = "other" } }, Spec = ServiceMonitor("1m").Spec });
        stub.Delete(ServiceMonitor("30s"));
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            while (registry.Removed.Count(id => id == componentId) < 2)
            {
                await Task.Delay(20, timeout.Token);
            }
        }
        Assert.DoesNotContain(registry.Applied, a => a.Job.JobName.Contains("ignored", StringComparison.Ordinal));

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Pod_monitors_select_pods_by_label_and_port()
    {
        await using var stub = new KubernetesApiStub();
        stub.Add(Pod("web-1", "10.0.0.1"));
        stub.Add(Pod("web-2", "10.0.0.2"));
        stub.Add(new MonitorResource
        {
            Kind = "PodMonitor",
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "pm-web" },
            Spec = new MonitorSpec
            {
                Selector = new V1LabelSelector { MatchExpressions = [new V1LabelSelectorRequirement { Key = "tier", OperatorProperty = "In", Values = ["gold", "silver"] }] },
                JobLabel = "app",
                PodTargetLabels = ["tier"],
                PodMetricsEndpoints = [new MonitorEndpoint { Port = "http", ScrapeTimeout = "5s", MetricRelabelings = [new MonitorRelabel { SourceLabels = ["__name__"], Regex = "go_.*", Action = "drop" }] }],
            },
        });
        var registry = new RecordingScrapeRegistry();
        var component = new PodMonitorsComponent(new FakeComponentHost("prometheus.operator.podmonitors.pods"), registry);
        await component.UpdateAsync(new PodMonitorsArguments
        {
            Client = new OperatorClientArguments { ApiServer = stub.Url.ToString().TrimEnd('/') },
            Namespaces = ["default"],
            Scrape = new OperatorScrapeArguments { DefaultScrapeInterval = TimeSpan.FromSeconds(20) },
        }, default);
        using var stop = new CancellationTokenSource();
        var run = component.RunAsync(stop.Token);

        var (job, targets) = await WaitForAsync(registry, (j, t) => j.JobName == "podMonitor/default/web/0" && t.Count == 2);
        Assert.Equal(TimeSpan.FromSeconds(20), job.Interval);
        Assert.Equal(TimeSpan.FromSeconds(5), job.Timeout);
        Assert.Null(job.MetricRelabel!(LabelSet.From(("__name__", "go_goroutines"))));
        Assert.NotNull(job.MetricRelabel!(LabelSet.From(("__name__", "http_requests_total"))));
        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080"], targets.Select(t => t.Get("__address__")).Order());
        var first = Visible(targets.Single(t => t.Get("__address__") == "10.0.0.1:8080"));
        Assert.Equal("web", first["job"]);
        Assert.Equal("gold", first["tier"]);
        Assert.Equal("http", first["endpoint"]);
        Assert.Equal("web-1", first["pod"]);
        Assert.Equal("app", first["container"]);
        Assert.Equal("default", first["namespace"]);

        await stop.CancelAsync();
        await run;
        Assert.Contains("prometheus.operator.podmonitors.pods/podMonitor/default/web/0", registry.Removed);
    }
}
