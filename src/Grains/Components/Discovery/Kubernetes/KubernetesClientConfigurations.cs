using AlloyOrleans.Grains.Components.Common.Http;
using AlloyOrleans.Grains.Http;
using k8s;

namespace AlloyOrleans.Grains.Components.Discovery.Kubernetes;

/// <summary>How a component that talks to the Kubernetes API reaches it (discovery.kubernetes, prometheus.operator.*).</summary>
public static class KubernetesClientConfigurations
{
    /// <summary>kubeconfig_file, else api_server, else the in-cluster service account.</summary>
    public static KubernetesClientConfiguration From(string apiServer, string kubeconfigFile)
    {
        if (kubeconfigFile.Length > 0)
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigFile);
        }
        return apiServer.Length == 0
            ? KubernetesClientConfiguration.InClusterConfig()
            // TLS, proxy and authentication come from the shared HTTP client settings (HttpSettings below).
            : new KubernetesClientConfiguration { Host = apiServer };
    }

    /// <summary>With api_server, the component's HTTP client block; kubeconfig and in-cluster carry their own.</summary>
    public static HttpClientSettings? HttpSettings(string apiServer, string kubeconfigFile, HttpClientArguments arguments) =>
        kubeconfigFile.Length == 0 && apiServer.Length > 0 ? arguments.ToSettings() : null;
}
