using AlloyOrleans.Grains.Components;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>What the graph gives one component: its id, its data directory, a logger, and the way to publish exports.</summary>
internal sealed class ComponentHost(string componentId, string dataPath, ILogger logger, Action<string, object> publish) : IComponentHost
{
    public string ComponentId { get; } = componentId;

    public string DataPath { get; } = dataPath;

    public ILogger Logger { get; } = logger;

    public void SetExports(object exports) => publish(ComponentId, exports);
}
