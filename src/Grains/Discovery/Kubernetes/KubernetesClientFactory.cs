using AlloyOrleans.Grains.Http;

namespace AlloyOrleans.Grains.Discovery.Kubernetes;

/// <summary>The Kubernetes API client for a set of options: with shared HTTP settings, through the one handler factory.</summary>
public static class KubernetesClientFactory
{
    public static k8s.Kubernetes Create(KubernetesDiscoveryOptions options)
    {
        if (options.Http is not { } http)
        {
            return new k8s.Kubernetes(options.Client);
        }
        options.Client.FirstMessageHandlerSetup = handler => HttpHandlerFactory.Configure(handler, http);
        return new k8s.Kubernetes(options.Client, HttpHandlerFactory.CreateRequestHandler(http));
    }
}
