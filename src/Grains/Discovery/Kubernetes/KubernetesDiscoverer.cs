using System.Threading.Channels;
using AlloyOrleans.Grains.Abstractions;
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

        using var client = new k8s.Kubernetes(options.Client);
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

    private ResourceWatcher<V1EndpointSlice, V1EndpointSliceList> EndpointSlices(IKubernetes client, string? ns, Action changed)
    {
        var (label, field) = Selector(KubernetesRole.EndpointSlice);
        var api = ns is null
            ? new ResourceApi<V1EndpointSlice, V1EndpointSliceList>(
                ct => client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync(fieldSelector: field, labelSelector: label, cancellationToken: ct),
                (version, timeout, onError, ct) => client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(
                    allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version,
                    timeoutSeconds: timeout, onError: onError, cancellationToken: ct))
            : new ResourceApi<V1EndpointSlice, V1EndpointSliceList>(
                ct => client.DiscoveryV1.ListNamespacedEndpointSliceAsync(ns, fieldSelector: field, labelSelector: label, cancellationToken: ct),
                (version, timeout, onError, ct) => client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(
                    ns, allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version,
                    timeoutSeconds: timeout, onError: onError, cancellationToken: ct));
        return new ResourceWatcher<V1EndpointSlice, V1EndpointSliceList>($"endpointslices in {ns ?? "all namespaces"}", api, l => l.Items, changed, options, logger);
    }

    private ResourceWatcher<V1Ingress, V1IngressList> Ingresses(IKubernetes client, string? ns, Action changed)
    {
        var (label, field) = Selector(KubernetesRole.Ingress);
        var api = ns is null
            ? new ResourceApi<V1Ingress, V1IngressList>(
                ct => client.NetworkingV1.ListIngressForAllNamespacesAsync(fieldSelector: field, labelSelector: label, cancellationToken: ct),
                (version, timeout, onError, ct) => client.NetworkingV1.WatchListIngressForAllNamespacesAsync(
                    allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version,
                    timeoutSeconds: timeout, onError: onError, cancellationToken: ct))
            : new ResourceApi<V1Ingress, V1IngressList>(
                ct => client.NetworkingV1.ListNamespacedIngressAsync(ns, fieldSelector: field, labelSelector: label, cancellationToken: ct),
                (version, timeout, onError, ct) => client.NetworkingV1.WatchListNamespacedIngressAsync(
                    ns, allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version,
                    timeoutSeconds: timeout, onError: onError, cancellationToken: ct));
        return new ResourceWatcher<V1Ingress, V1IngressList>($"ingresses in {ns ?? "all namespaces"}", api, l => l.Items, changed, options, logger);
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
