using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.Discovery.Kubernetes;

/// <summary>How to list one kind of object in one scope, and how to watch it from a resource version.</summary>
internal sealed record ResourceApi<T, TList>(
    Func<CancellationToken, Task<TList>> List,
    Func<string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> Watch);

/// <summary>A watcher the discoverer can run and ask whether its first list has arrived.</summary>
internal interface IResourceWatcher
{
    bool Synced { get; }

    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Keeps an up-to-date copy of one kind of Kubernetes object in one scope, the way an informer does: list, then watch
/// from the list's resource version and apply each event; when a watch ends, watch again from the last version; on
/// any error (including 410 Gone) list again after a doubling backoff. Calls <c>changed</c> after every change.
/// </summary>
internal sealed partial class ResourceWatcher<T, TList>(
    string description,
    ResourceApi<T, TList> api,
    Func<TList, IEnumerable<T>> items,
    Action changed,
    KubernetesDiscoveryOptions options,
    ILogger logger) : IResourceWatcher
    where T : IKubernetesObject<V1ObjectMeta>
    where TList : IMetadata<V1ListMeta>
{
    /// <summary>How much longer than the server's watch timeout the client waits on a silent connection.</summary>
    private static readonly TimeSpan WatchGrace = TimeSpan.FromSeconds(30);

    private volatile ConcurrentDictionary<string, T> _objects = new(StringComparer.Ordinal);

    public bool Synced { get; private set; }

    /// <summary>A snapshot of the current objects (taken atomically; safe while the watch goes on).</summary>
    public ICollection<T> Objects => _objects.Values;

    public T? Get(string? ns, string name) => _objects.GetValueOrDefault(Key(ns, name));

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = options.MinBackoff;
        string? version = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    if (version is null)
                    {
                        var list = await api.List(cancellationToken).ConfigureAwait(false);
                        _objects = new ConcurrentDictionary<string, T>(
                            items(list).Select(o => KeyValuePair.Create(Key(o.Metadata.NamespaceProperty, o.Metadata.Name), o)),
                            StringComparer.Ordinal);
                        version = list.Metadata?.ResourceVersion ?? "";
                        Synced = true;
                        changed();
                    }
                    var started = Stopwatch.GetTimestamp();
                    version = await WatchAsync(version, cancellationToken).ConfigureAwait(false);
                    if (Stopwatch.GetElapsedTime(started) < options.MinBackoff)
                    {
                        // A watch that ends at once would otherwise spin.
                        await Task.Delay(options.MinBackoff, cancellationToken).ConfigureAwait(false);
                    }
                    backoff = options.MinBackoff;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    LogWatchFailed(logger, e, description, backoff, e.Message);
                    version = null;
                    await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                    backoff = RetryBackoff.Next(backoff, options.MaxBackoff);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Applies watch events until the server ends the watch; returns the last resource version seen.</summary>
    private async Task<string> WatchAsync(string version, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.WatchTimeout + WatchGrace);
        Exception? error = null;
        var events = api.Watch(version, (int)options.WatchTimeout.TotalSeconds, e => error ??= e, timeout.Token);
        var received = 0;
        try
        {
            await foreach (var (type, item) in events.ConfigureAwait(false))
            {
                received++;
                if (type is WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted)
                {
                    var key = Key(item.Metadata.NamespaceProperty, item.Metadata.Name);
                    if (type == WatchEventType.Deleted)
                    {
                        _objects.TryRemove(key, out _);
                    }
                    else
                    {
                        _objects[key] = item;
                    }
                    changed();
                }
                version = item.Metadata?.ResourceVersion ?? version;
            }
        }
        catch (HttpRequestException e) when (e.InnerException is EndOfStreamException && received == 0)
        {
            // The client library fails a watch that the server ended before its first event (an idle watch timing
            // out); nothing was missed, so this is an ordinary end of a watch.
            return version;
        }
        if (error is not null)
        {
            throw new InvalidOperationException($"watch failed: {error.Message}", error);
        }
        cancellationToken.ThrowIfCancellationRequested();
        return version;
    }

    private static string Key(string? ns, string? name) => $"{ns}/{name}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "discovery.kubernetes: watching {Resource} failed, listing again in {Backoff}: {Error}")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception, string resource, TimeSpan backoff, string error);
}
