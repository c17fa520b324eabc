using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace AlloyOrleans.Tests.Discovery;

/// <summary>
/// A Kubernetes API server stub on loopback: answers list requests for pods, services, endpoints, endpointslices,
/// ingresses, nodes and custom resources such as ServiceMonitors (in a namespace or across all) from an in-memory store, and watch requests (<c>?watch=true&amp;resourceVersion=N</c>) by
/// streaming every event after N and then each new one as it happens. Watches can be cut (<see cref="DropWatches"/>)
/// and history can be compacted, so that an old resource version gets Kubernetes' 410 Expired error.
/// </summary>
internal sealed class KubernetesApiStub : IAsyncDisposable
{
    private readonly LoopbackHttpServer _server;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Resource, string Key), string> _objects = [];
    private readonly List<Event> _events = [];
    private int _version = 100;
    private int _compactedBefore;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource _dropWatches = new();
    private int _watchRequests;

    public KubernetesApiStub() => _server = new LoopbackHttpServer(HandleAsync);

    public Uri Url => _server.Url;

    public int WatchRequests => Volatile.Read(ref _watchRequests);

    /// <summary>The Authorization header of the latest request.</summary>
    public string? LastAuthorization { get; private set; }

    public void Add(IKubernetesObject<V1ObjectMeta> item) => Apply("ADDED", item);

    public void Modify(IKubernetesObject<V1ObjectMeta> item) => Apply("MODIFIED", item);

    public void Delete(IKubernetesObject<V1ObjectMeta> item) => Apply("DELETED", item);

    /// <summary>Ends every open watch normally, as an API server does when its watch timeout expires.</summary>
    public void DropWatches()
    {
        lock (_lock)
        {
            _dropWatches.Cancel();
            _dropWatches = new CancellationTokenSource();
        }
    }

    /// <summary>Forgets the event history: a watch from any earlier version is answered with 410 Expired.</summary>
    public void Compact()
    {
        lock (_lock)
        {
            _compactedBefore = _version + 1;
        }
    }

    private void Apply(string type, IKubernetesObject<V1ObjectMeta> item)
    {
        lock (_lock)
        {
            _version++;
            item.Metadata.ResourceVersion = _version.ToString();
            var json = KubernetesJson.Serialize(item);
            var key = (Resource(item), $"{item.Metadata.NamespaceProperty}/{item.Metadata.Name}");
            if (type == "DELETED")
            {
                _objects.Remove(key);
            }
            else
            {
                _objects[key] = json;
            }
            _events.Add(new Event(_version, key.Item1, item.Metadata.NamespaceProperty, type, json));
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>The resource (last path segment) an object is served under; custom resources go by their kind.</summary>
    private static string Resource(IKubernetesObject<V1ObjectMeta> item) => item switch
    {
        V1Pod => "pods",
        V1Service => "services",
        V1Endpoints => "endpoints",
        V1Node => "nodes",
        V1EndpointSlice => "endpointslices",
        V1Ingress => "ingresses",
        _ when !string.IsNullOrEmpty(item.Kind) => item.Kind.ToLowerInvariant() + "s",
        _ => throw new ArgumentException(item.GetType().Name),
    };

    private async Task HandleAsync(HttpListenerContext context)
    {
        LastAuthorization = context.Request.Headers["Authorization"];
        // /api/v1/{resource}, /apis/{group}/{version}/{resource}, or either with namespaces/{ns}/ before the resource
        var segments = context.Request.Url!.AbsolutePath.Trim('/').Split('/');
        var (ns, resource) = segments.Length >= 3 && segments[^3] == "namespaces" ? (segments[^2], segments[^1]) : ((string?)null, segments[^1]);
        if (context.Request.QueryString["watch"] == "true")
        {
            Interlocked.Increment(ref _watchRequests);
            await WatchAsync(context, ns, resource, int.Parse(context.Request.QueryString["resourceVersion"] ?? "0"));
            return;
        }
        string body;
        lock (_lock)
        {
            var items = _objects.Where(o => o.Key.Resource == resource && (ns is null || o.Key.Key.StartsWith(ns + "/", StringComparison.Ordinal)))
                .Select(o => JsonNode.Parse(o.Value)).ToArray();
            var list = new JsonObject
            {
                ["kind"] = "List",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject { ["resourceVersion"] = _version.ToString() },
                ["items"] = new JsonArray(items),
            };
            body = list.ToJsonString();
        }
        await LoopbackHttpServer.WriteAsync(context, 200, "application/json", body);
    }

    private async Task WatchAsync(HttpListenerContext context, string? ns, string resource, int fromVersion)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.SendChunked = true;
        CancellationToken dropped;
        lock (_lock)
        {
            dropped = _dropWatches.Token;
            if (fromVersion < _compactedBefore - 1)
            {
                var status = """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version","reason":"Expired","code":410}}""";
                var bytes = Encoding.UTF8.GetBytes(status + "\n");
                response.OutputStream.Write(bytes);
                return;
            }
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(dropped, _server.Stopping);
        var sent = fromVersion;
        while (!stop.IsCancellationRequested)
        {
            List<Event> pending;
            Task changed;
            lock (_lock)
            {
                pending = _events.Where(e => e.Version > sent && e.Resource == resource && (ns is null || e.Namespace == ns)).ToList();
                sent = _version;
                changed = _changed.Task;
            }
            foreach (var e in pending)
            {
                var line = $$"""{"type":"{{e.Type}}","object":{{e.Json}}}""" + "\n";
                await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(line), stop.Token);
                await response.OutputStream.FlushAsync(stop.Token);
            }
            await Task.WhenAny(changed, Task.Delay(Timeout.Infinite, stop.Token));
        }
        // End the chunked body cleanly, as an API server ends a watch whose timeout expired.
        response.OutputStream.Close();
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private sealed record Event(int Version, string Resource, string? Namespace, string Type, string Json);
}
