using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Discovery;

/// <summary>A discovery mechanism (file, http, dns, kubernetes) that reports the complete current target list.</summary>
public interface ITargetDiscoverer
{
    /// <summary>
    /// Discovers until cancelled, calling <paramref name="publish"/> with the full target list each time it changes
    /// (never twice in a row with an equal list). Failures are logged and retried; they do not end the loop.
    /// </summary>
    Task RunAsync(Action<IReadOnlyList<LabelSet>> publish, CancellationToken cancellationToken);
}
