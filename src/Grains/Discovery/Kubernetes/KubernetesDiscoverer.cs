using System.Threading.Channels;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Http;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.Discovery.Kubernetes;

/// <summary>
/// Discovers targets from the Kubernetes API for one role (pod, service, endpoints, node) with Prometheus'
/// <c>__meta_kubernetes_*</c> labels. Each needed kind of object is listed and watched per namespace; the target
/// list is rebuilt after changes and published once every watcher has completed its first list.
/// </summary>
public sealed class KubernetesDiscoverer(KubernetesDiscoveryOptions options, ILogger logger) : ITargetDiscoverer
{
    private k8s.Kubernetes CreateClient()
    {
        if (options.Http is not { } http)
        {
            return new k8s.Kubernetes(options.Client);
        }
        options.Client.FirstMessageHandlerSetup = handler => HttpHandlerFactory.Configure(handler, http);
        return new k8s.Kubernetes(options.Client, HttpHandlerFactory.CreateRequestHandler(http));
    }

    public async Task RunAsync(Action<IReadOnlyList<LabelSet>> publish, CancellationToken cancellationToken)
    {
        var publisher = new TargetListPublisher(publish);
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        void Signal() => changed.Writer.TryWrite(true);

        using var client = CreateClient();
        var scopes = options.Role == KubernetesRole.Node || options.Namespaces.Count == 0
            ? new string?[] { null }
            : options.Namespaces.Distinct().Select(string? (ns) => ns).ToArray();
        var needsPods = options.Role is KubernetesRole.Pod or KubernetesRole.Endpoints;
        var needsServices = options.Role is KubernetesRole.Service or KubernetesRole.Endpoints;
        var pods = needsPods ? scopes.Select(ns => Pods(client, ns, Signal)).ToList() : [];
        var services = needsServices ? scopes.Select(ns => Services(client, ns, Signal)).ToList() : [];
        var endpoints = options.Role == KubernetesRole.Endpoints ? scopes.Select(ns => Endpoints(client, ns, Signal)).ToList() : [];
        var nodes = options.Role == KubernetesRole.Node ? [Nodes(client, Signal)] : new List<ResourceWatcher<V1Node, V1NodeList>>();
        var watchers = pods.Cast<IResourceWatcher>().Concat(services).Concat(endpoints).Concat(nodes).ToList();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = watchers.Select(w => Task.Run(() => w.RunAsync(stop.Token), CancellationToken.None)).ToList();
        try
        {
            await foreach (var _ in changed.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!watchers.All(w => w.Synced))
                {
                    continue;
                }
                IEnumerable<TargetGroup> groups = options.Role switch
                {
                    KubernetesRole.Pod => pods.SelectMany(w => w.Objects).Select(PodTargets.Build),
                    KubernetesRole.Service => services.SelectMany(w => w.Objects).Select(ServiceTargets.Build),
                    KubernetesRole.Node => nodes.SelectMany(w => w.Objects).Select(NodeTargets.Build),
                    _ => endpoints.SelectMany(w => w.Objects).Select(e => EndpointsTargets.Build(
                        e,
                        (ns, name) => services.Select(w => w.Get(ns, name)).FirstOrDefault(s => s is not null),
                        (ns, name) => pods.Select(w => w.Get(ns, name)).FirstOrDefault(p => p is not null))),
                };
                publisher.Publish(TargetGroup.FlattenAll(groups.OrderBy(g => g.Source, StringComparer.Ordinal)));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(running).ConfigureAwait(false);
        }
    }

    /// <summary>The label and field selector for a role's objects (Prometheus allows one selector block per role).</summary>
    private (string? Label, string? Field) Selector(KubernetesRole role) =>
        options.Selectors.FirstOrDefault(s => s.Role == role) is { } selector
            ? (NullIfEmpty(selector.Label), NullIfEmpty(selector.Field))
            : (null, null);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private ResourceWatcher<V1Pod, V1PodList> Pods(IKubernetes client, string? ns, Action changed)
    {
        var (label, field) = Selector(KubernetesRole.Pod);
        var api = ns is null
            ? new ResourceApi<V1Pod, V1PodList>(
                ct => client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: field, labelSelector: label, cancellationToken: ct),
                (version, timeout, onError, ct) => client.CoreV1.WatchListPodForAllNamespacesAsync(
                    allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version,
                    timeoutSeconds: timeout, onError: onError, cancellationToken: ct))
            : new ResourceApi<V1Pod, V1PodList>(
                ct => client.CoreV1.ListNamespacedPodAsync(ns, fieldSelector: field, labelSelector: label, cancellationToken: ct),
                (version, timeout, onError, ct) => client.CoreV1.WatchListNamespacedPodAsync(
                    ns, allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version,
                    timeoutSeconds: timeout, onError: onError, cancellationToken: ct));
        return new ResourceWatcher<V1Pod, V1PodList>($"pods in {ns ?? "all namespaces"}", api, l => l.Items, changed, options, logger);
    }

    private ResourceWatcher<V1Service, V1ServiceList> Services(IKubernetes client, string? ns, Action changed)
    {
        var (label, field) = Selector(KubernetesRole.Service);
        var api = ns is null
            ? new ResourceApi<V1Service, V1ServiceList>(
                ct => client.CoreV1.ListServiceForAllNamespacesAsync(fieldSelector: field, labelSelector: label, cancellationToken: ct),
                (version, timeout, onError, ct) => client.CoreV1.WatchListServiceForAllNamespacesAsync(
                    allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version,
                    timeoutSeconds: timeout, onError: onError, cancellationToken: ct))
            : new ResourceApi<V1Service, V1ServiceList>(
                ct => client.CoreV1.ListNamespacedServiceAsync(ns, fieldSelector: field, labelSelector: label, cancellationToken: ct),
                (version, timeout, onError, ct) => client.CoreV1.WatchListNamespacedServiceAsync(
                    ns, allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version,
                    timeoutSeconds: timeout, onError: onError, cancellationToken: ct));
        return new ResourceWatcher<V1Service, V1ServiceList>($"services in {ns ?? "all namespaces"}", api, l => l.Items, changed, options, logger);
    }

    private ResourceWatcher<V1Endpoints, V1EndpointsList> Endpoints(IKubernetes client, string? ns, Action changed)
    {
        var (label, field) = Selector(KubernetesRole.Endpoints);
        var api = ns is null
            ? new ResourceApi<V1Endpoints, V1EndpointsList>(
                ct => client.CoreV1.ListEndpointsForAllNamespacesAsync(fieldSelector: field, labelSelector: label, cancellationToken: ct),
                (version, timeout, onError, ct) => client.CoreV1.WatchListEndpointsForAllNamespacesAsync(
                    allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version,
                    timeoutSeconds: timeout, onError: onError, cancellationToken: ct))
            : new ResourceApi<V1Endpoints, V1EndpointsList>(
                ct => client.CoreV1.ListNamespacedEndpointsAsync(ns, fieldSelector: field, labelSelector: label, cancellationToken: ct),
                (version, timeout, onError, ct) => client.CoreV1.WatchListNamespacedEndpointsAsync(
                    ns, allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version,
                    timeoutSeconds: timeout, onError: onError, cancellationToken: ct));
        return new ResourceWatcher<V1Endpoints, V1EndpointsList>($"endpoints in {ns ?? "all namespaces"}", api, l => l.Items, changed, options, logger);
    }

    private ResourceWatcher<V1Node, V1NodeList> Nodes(IKubernetes client, Action changed)
    {
        var (label, field) = Selector(KubernetesRole.Node);
        var api = new ResourceApi<V1Node, V1NodeList>(
            ct => client.CoreV1.ListNodeAsync(fieldSelector: field, labelSelector: label, cancellationToken: ct),
            (version, timeout, onError, ct) => client.CoreV1.WatchListNodeAsync(
                allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version,
                timeoutSeconds: timeout, onError: onError, cancellationToken: ct));
        return new ResourceWatcher<V1Node, V1NodeList>("nodes", api, l => l.Items, changed, options, logger);
    }
}
