using System.Threading.Channels;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Http;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.Discovery.Kubernetes;

/// <summary>
/// Discovers targets from the Kubernetes API for one role (pod, service, endpoints, endpointslice, ingress, node)
/// with Prometheus' <c>__meta_kubernetes_*</c> labels (and the node's with <c>attach_metadata { node = true }</c>). Each needed kind of object is listed and watched per namespace; the target
/// list is rebuilt after changes and published once every watcher has completed its first list.
/// </summary>
public sealed class KubernetesDiscoverer(KubernetesDiscoveryOptions options, ILogger logger) : ITargetDiscoverer
{
    public async Task RunAsync(Action<IReadOnlyList<LabelSet>> publish, CancellationToken cancellationToken)
    {
        var publisher = new TargetListPublisher(publish);
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        void Signal() => changed.Writer.TryWrite(true);

        using var client = KubernetesClientFactory.Create(options);
        var scopes = options.Role == KubernetesRole.Node || options.Namespaces.Count == 0
            ? new string?[] { null }
            : options.Namespaces.Distinct().Select(string? (ns) => ns).ToArray();
        var needsPods = options.Role is KubernetesRole.Pod or KubernetesRole.Endpoints or KubernetesRole.EndpointSlice;
        var needsServices = options.Role is KubernetesRole.Service or KubernetesRole.Endpoints or KubernetesRole.EndpointSlice;
        // attach_metadata { node = true } needs the nodes behind pods and endpoints too.
        var needsNodes = options.Role == KubernetesRole.Node || (options.AttachNodeMetadata && needsPods);
        var pods = needsPods ? scopes.Select(ns => Pods(client, ns, Signal)).ToList() : [];
        var services = needsServices ? scopes.Select(ns => Services(client, ns, Signal)).ToList() : [];
        var endpoints = options.Role == KubernetesRole.Endpoints ? scopes.Select(ns => Endpoints(client, ns, Signal)).ToList() : [];
        var slices = options.Role == KubernetesRole.EndpointSlice ? scopes.Select(ns => EndpointSlices(client, ns, Signal)).ToList() : [];
        var ingresses = options.Role == KubernetesRole.Ingress ? scopes.Select(ns => Ingresses(client, ns, Signal)).ToList() : [];
        var nodes = needsNodes ? [Nodes(client, Signal)] : new List<ResourceWatcher<V1Node, V1NodeList>>();
        var watchers = pods.Cast<IResourceWatcher>().Concat(services).Concat(endpoints).Concat(slices).Concat(ingresses).Concat(nodes).ToList();
        Func<string, V1Node?>? node = options.AttachNodeMetadata && options.Role != KubernetesRole.Node
            ? name => nodes[0].Get(null, name)
            : null;
        V1Service? Service(string ns, string name) => services.Select(w => w.Get(ns, name)).FirstOrDefault(s => s is not null);
        V1Pod? Pod(string ns, string name) => pods.Select(w => w.Get(ns, name)).FirstOrDefault(p => p is not null);

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
                    KubernetesRole.Pod => pods.SelectMany(w => w.Objects).Select(p => PodTargets.Build(p, node)),
                    KubernetesRole.Service => services.SelectMany(w => w.Objects).Select(ServiceTargets.Build),
                    KubernetesRole.Node => nodes.SelectMany(w => w.Objects).Select(NodeTargets.Build),
                    KubernetesRole.Ingress => ingresses.SelectMany(w => w.Objects).Select(IngressTargets.Build),
                    KubernetesRole.EndpointSlice => slices.SelectMany(w => w.Objects).Select(e => EndpointSliceTargets.Build(e, Service, Pod, node)),
                    _ => endpoints.SelectMany(w => w.Objects).Select(e => EndpointsTargets.Build(e, Service, Pod, node)),
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

    /// <summary>A watcher of one kind of object in one namespace (or all), filtered by the role's selector.</summary>
    private ResourceWatcher<T, TList> Watcher<T, TList>(
        string resource,
        string? ns,
        KubernetesRole role,
        Action changed,
        Func<string?, string?, CancellationToken, Task<TList>> listAll,
        Func<string, string?, string?, CancellationToken, Task<TList>> listIn,
        Func<string?, string?, string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watchAll,
        Func<string, string?, string?, string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watchIn)
        where T : IKubernetesObject<V1ObjectMeta>
        where TList : IMetadata<V1ListMeta>, IItems<T>
    {
        var (label, field) = Selector(role);
        var api = ns is null
            ? new ResourceApi<T, TList>(ct => listAll(field, label, ct), (version, timeout, onError, ct) => watchAll(field, label, version, timeout, onError, ct))
            : new ResourceApi<T, TList>(ct => listIn(ns, field, label, ct), (version, timeout, onError, ct) => watchIn(ns, field, label, version, timeout, onError, ct));
        return new ResourceWatcher<T, TList>($"{resource} in {ns ?? "all namespaces"}", api, l => l.Items, changed, options, logger);
    }

    private ResourceWatcher<V1Pod, V1PodList> Pods(IKubernetes client, string? ns, Action changed) => Watcher<V1Pod, V1PodList>(
        "pods", ns, KubernetesRole.Pod, changed,
        (f, l, ct) => client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: f, labelSelector: l, cancellationToken: ct),
        (n, f, l, ct) => client.CoreV1.ListNamespacedPodAsync(n, fieldSelector: f, labelSelector: l, cancellationToken: ct),
        (f, l, v, t, e, ct) => client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: f, labelSelector: l, resourceVersion: v, timeoutSeconds: t, onError: e, cancellationToken: ct),
        (n, f, l, v, t, e, ct) => client.CoreV1.WatchListNamespacedPodAsync(n, allowWatchBookmarks: true, fieldSelector: f, labelSelector: l, resourceVersion: v, timeoutSeconds: t, onError: e, cancellationToken: ct));

    private ResourceWatcher<V1Service, V1ServiceList> Services(IKubernetes client, string? ns, Action changed) => Watcher<V1Service, V1ServiceList>(
        "services", ns, KubernetesRole.Service, changed,
        (f, l, ct) => client.CoreV1.ListServiceForAllNamespacesAsync(fieldSelector: f, labelSelector: l, cancellationToken: ct),
        (n, f, l, ct) => client.CoreV1.ListNamespacedServiceAsync(n, fieldSelector: f, labelSelector: l, cancellationToken: ct),
        (f, l, v, t, e, ct) => client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: f, labelSelector: l, resourceVersion: v, timeoutSeconds: t, onError: e, cancellationToken: ct),
        (n, f, l, v, t, e, ct) => client.CoreV1.WatchListNamespacedServiceAsync(n, allowWatchBookmarks: true, fieldSelector: f, labelSelector: l, resourceVersion: v, timeoutSeconds: t, onError: e, cancellationToken: ct));

    private ResourceWatcher<V1Endpoints, V1EndpointsList> Endpoints(IKubernetes client, string? ns, Action changed) => Watcher<V1Endpoints, V1EndpointsList>(
        "endpoints", ns, KubernetesRole.Endpoints, changed,
        (f, l, ct) => client.CoreV1.ListEndpointsForAllNamespacesAsync(fieldSelector: f, labelSelector: l, cancellationToken: ct),
        (n, f, l, ct) => client.CoreV1.ListNamespacedEndpointsAsync(n, fieldSelector: f, labelSelector: l, cancellationToken: ct),
        (f, l, v, t, e, ct) => client.CoreV1.WatchListEndpointsForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: f, labelSelector: l, resourceVersion: v, timeoutSeconds: t, onError: e, cancellationToken: ct),
        (n, f, l, v, t, e, ct) => client.CoreV1.WatchListNamespacedEndpointsAsync(n, allowWatchBookmarks: true, fieldSelector: f, labelSelector: l, resourceVersion: v, timeoutSeconds: t, onError: e, cancellationToken: ct));

    private ResourceWatcher<V1EndpointSlice, V1EndpointSliceList> EndpointSlices(IKubernetes client, string? ns, Action changed) => Watcher<V1EndpointSlice, V1EndpointSliceList>(
        "endpointslices", ns, KubernetesRole.EndpointSlice, changed,
        (f, l, ct) => client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync(fieldSelector: f, labelSelector: l, cancellationToken: ct),
        (n, f, l, ct) => client.DiscoveryV1.ListNamespacedEndpointSliceAsync(n, fieldSelector: f, labelSelector: l, cancellationToken: ct),
        (f, l, v, t, e, ct) => client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: f, labelSelector: l, resourceVersion: v, timeoutSeconds: t, onError: e, cancellationToken: ct),
        (n, f, l, v, t, e, ct) => client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(n, allowWatchBookmarks: true, fieldSelector: f, labelSelector: l, resourceVersion: v, timeoutSeconds: t, onError: e, cancellationToken: ct));

    private ResourceWatcher<V1Ingress, V1IngressList> Ingresses(IKubernetes client, string? ns, Action changed) => Watcher<V1Ingress, V1IngressList>(
        "ingresses", ns, KubernetesRole.Ingress, changed,
        (f, l, ct) => client.NetworkingV1.ListIngressForAllNamespacesAsync(fieldSelector: f, labelSelector: l, cancellationToken: ct),
        (n, f, l, ct) => client.NetworkingV1.ListNamespacedIngressAsync(n, fieldSelector: f, labelSelector: l, cancellationToken: ct),
        (f, l, v, t, e, ct) => client.NetworkingV1.WatchListIngressForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: f, labelSelector: l, resourceVersion: v, timeoutSeconds: t, onError: e, cancellationToken: ct),
        (n, f, l, v, t, e, ct) => client.NetworkingV1.WatchListNamespacedIngressAsync(n, allowWatchBookmarks: true, fieldSelector: f, labelSelector: l, resourceVersion: v, timeoutSeconds: t, onError: e, cancellationToken: ct));

    /// <summary>Nodes are cluster-scoped: one watcher, whatever the namespaces.</summary>
    private ResourceWatcher<V1Node, V1NodeList> Nodes(IKubernetes client, Action changed) => Watcher<V1Node, V1NodeList>(
        "nodes", null, KubernetesRole.Node, changed,
        (f, l, ct) => client.CoreV1.ListNodeAsync(fieldSelector: f, labelSelector: l, cancellationToken: ct),
        (_, f, l, ct) => client.CoreV1.ListNodeAsync(fieldSelector: f, labelSelector: l, cancellationToken: ct),
        (f, l, v, t, e, ct) => client.CoreV1.WatchListNodeAsync(allowWatchBookmarks: true, fieldSelector: f, labelSelector: l, resourceVersion: v, timeoutSeconds: t, onError: e, cancellationToken: ct),
        (_, f, l, v, t, e, ct) => client.CoreV1.WatchListNodeAsync(allowWatchBookmarks: true, fieldSelector: f, labelSelector: l, resourceVersion: v, timeoutSeconds: t, onError: e, cancellationToken: ct));
}
