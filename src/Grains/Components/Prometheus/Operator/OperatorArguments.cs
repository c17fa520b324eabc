using AlloyOrleans.Grains.Components.Common.Http;
using AlloyOrleans.Grains.Components.Common.Relabel;
using AlloyOrleans.Grains.Components.Prometheus.Scrape;
using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Grains.Components.Prometheus.Operator;

/// <summary>The arguments <c>prometheus.operator.servicemonitors</c> and <c>.podmonitors</c> share, as Alloy's reference names them.</summary>
public class OperatorArguments : IValidatableArguments, IEnvironmentCheckedArguments
{
    [AlloyBlock("client")]
    public OperatorClientArguments Client { get; set; } = new();

    [Alloy("forward_to", Required = true)]
    public IReadOnlyList<ISampleSink> ForwardTo { get; set; } = [];

    /// <summary>Namespaces to find monitors in; empty means all.</summary>
    [Alloy("namespaces")]
    public IReadOnlyList<string> Namespaces { get; set; } = [];

    /// <summary>Which monitors to use, by their labels.</summary>
    [AlloyBlock("selector")]
    public MonitorSelectorArguments? Selector { get; set; }

    [AlloyBlock("scrape")]
    public OperatorScrapeArguments Scrape { get; set; } = new();

    /// <summary>Relabel rules applied to every target before the generated ones, as Alloy does.</summary>
    [AlloyBlock("rule")]
    public IReadOnlyList<RelabelRuleArguments> Rules { get; set; } = [];

    [AlloyBlock("clustering")]
    public ClusteringArguments? Clustering { get; set; }

    public virtual void Validate()
    {
        Client.Validate();
        Scrape.Validate();
        Selector?.Validate();
        foreach (var rule in Rules)
        {
            rule.Validate();
        }
    }

    public void CheckEnvironment()
    {
        if (Client.ApiServer.Length == 0 && Client.KubeconfigFile.Length == 0 && !k8s.KubernetesClientConfiguration.IsInCluster())
        {
            throw new ComponentArgumentException("client", "neither client.api_server nor client.kubeconfig_file is set, and this process does not run inside a Kubernetes cluster");
        }
    }
}

/// <summary>The <c>client</c> block: how to reach the API server (in-cluster when empty).</summary>
public sealed class OperatorClientArguments : HttpClientArguments
{
    [Alloy("api_server")]
    public string ApiServer { get; set; } = "";

    [Alloy("kubeconfig_file")]
    public string KubeconfigFile { get; set; } = "";

    public override void Validate()
    {
        base.Validate();
        if (ApiServer.Length > 0 && KubeconfigFile.Length > 0)
        {
            throw new ComponentArgumentException("kubeconfig_file", "cannot use 'kubeconfig_file' and 'api_server' simultaneously");
        }
    }
}

/// <summary>The <c>scrape</c> block.</summary>
public sealed class OperatorScrapeArguments
{
    [Alloy("default_scrape_interval")]
    public TimeSpan DefaultScrapeInterval { get; set; } = TimeSpan.FromMinutes(1);

    [Alloy("default_scrape_timeout")]
    public TimeSpan DefaultScrapeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public ScrapeDefaults Defaults => new(DefaultScrapeInterval, DefaultScrapeTimeout);

    public void Validate()
    {
        if (DefaultScrapeInterval <= TimeSpan.Zero || DefaultScrapeTimeout <= TimeSpan.Zero)
        {
            throw new ComponentArgumentException("scrape", "default_scrape_interval and default_scrape_timeout must be greater than 0");
        }
    }
}

/// <summary><c>prometheus.operator.servicemonitors</c>: also which discovery role finds the services' endpoints.</summary>
public sealed class ServiceMonitorsArguments : OperatorArguments
{
    [Alloy("kubernetes_role")]
    public string KubernetesRole { get; set; } = "endpoints";

    public Grains.Discovery.Kubernetes.KubernetesRole Role => KubernetesRole == "endpointslice"
        ? Grains.Discovery.Kubernetes.KubernetesRole.EndpointSlice
        : Grains.Discovery.Kubernetes.KubernetesRole.Endpoints;

    public override void Validate()
    {
        base.Validate();
        if (KubernetesRole is not ("endpoints" or "endpointslice"))
        {
            throw new ComponentArgumentException("kubernetes_role", $"kubernetes_role must be \"endpoints\" or \"endpointslice\", got \"{KubernetesRole}\"");
        }
    }
}

/// <summary><c>prometheus.operator.podmonitors</c>.</summary>
public sealed class PodMonitorsArguments : OperatorArguments;
