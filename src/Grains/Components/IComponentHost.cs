using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.Components;

/// <summary>What the component graph gives each component.</summary>
public interface IComponentHost
{
    /// <summary>The full id, <c>discovery.file.pods</c>.</summary>
    string ComponentId { get; }

    /// <summary>A directory of its own under <c>--storage.path</c> (created on first use by the component).</summary>
    string DataPath { get; }

    ILogger Logger { get; }

    /// <summary>
    /// Publishes new exports (an instance of the component's exports type). Components that reference them are
    /// re-evaluated; publishing an equal value again is cheap and changes nothing downstream.
    /// </summary>
    void SetExports(object exports);
}
