using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Discovery.Shared;

/// <summary>
/// This silo's newest target list of each shared discovery component. A list replaces the held one only when its
/// version is higher, so a late or repeated delivery, or one from a runner that has been replaced, changes nothing,
/// and a silo keeps its last list (its targets stay scraped) until a newer one arrives.
/// </summary>
public sealed class SharedTargetStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SharedTargetList> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Action<SharedTargetList>>> _subscribers = new(StringComparer.Ordinal);

    /// <summary>Keeps <paramref name="list"/> if newer and tells the component's subscribers; returns the version held afterwards.</summary>
    public long Offer(SharedTargetList list)
    {
        Action<SharedTargetList>[] subscribers;
        lock (_lock)
        {
            if (_latest.TryGetValue(list.ComponentId, out var held) && held.Version >= list.Version)
            {
                return held.Version;
            }
            _latest[list.ComponentId] = list;
            subscribers = _subscribers.TryGetValue(list.ComponentId, out var handlers) ? [.. handlers] : [];
        }
        // Outside the lock: a subscriber publishes exports, and nothing here may wait on it.
        foreach (var subscriber in subscribers)
        {
            subscriber(list);
        }
        return list.Version;
    }

    public SharedTargetList? Latest(string componentId)
    {
        lock (_lock)
        {
            return _latest.GetValueOrDefault(componentId);
        }
    }

    public long Version(string componentId) => Latest(componentId)?.Version ?? 0;

    /// <summary>Calls <paramref name="subscriber"/> with every newer list of the component until disposed.</summary>
    public IDisposable Subscribe(string componentId, Action<SharedTargetList> subscriber)
    {
        lock (_lock)
        {
            if (!_subscribers.TryGetValue(componentId, out var handlers))
            {
                _subscribers[componentId] = handlers = [];
            }
            handlers.Add(subscriber);
        }
        return new Subscription(this, componentId, subscriber);
    }

    private void Unsubscribe(string componentId, Action<SharedTargetList> subscriber)
    {
        lock (_lock)
        {
            if (_subscribers.TryGetValue(componentId, out var handlers))
            {
                handlers.Remove(subscriber);
            }
        }
    }

    private sealed class Subscription(SharedTargetStore store, string componentId, Action<SharedTargetList> subscriber) : IDisposable
    {
        public void Dispose() => store.Unsubscribe(componentId, subscriber);
    }
}
