using AlloyOrleans.Grains.Components;
using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Silo.Configuration.Modules;

/// <summary>
/// A running use of a custom component (<c>pair "a" { … }</c>): a graph of its own over the declare body, fed the
/// use's attributes as arguments; whatever the body's <c>export</c> blocks publish becomes this component's exports.
/// A changed body (a new version of the imported file) stops the old graph and starts a new one.
/// </summary>
public sealed class ModuleInstance(IComponentHost host, IServiceProvider services, string storagePath) : IComponent
{
    private readonly Lock _exportsLock = new();
    private readonly Dictionary<string, AlloyValue> _exports = new(StringComparer.Ordinal);
    private ComponentGraph? _graph;
    private object? _key;

    public async Task UpdateAsync(object arguments, CancellationToken cancellationToken)
    {
        var typed = (ModuleInstanceArguments)arguments;
        if (_graph is not null && Equals(_key, typed.Key))
        {
            await _graph.SetArgumentsAsync(typed.Values, cancellationToken).ConfigureAwait(false);
            return;
        }
        var configuration = typed.Load();
        var graph = new ComponentGraph(configuration, new ModuleInterface(typed.Values, Export, host.ComponentId + "/"));
        if (_graph is not null)
        {
            await _graph.DisposeAsync().ConfigureAwait(false);
        }
        _graph = graph;
        _key = typed.Key;
        await graph.StartAsync(services, storagePath, cancellationToken).ConfigureAwait(false);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (_graph is not null)
            {
                await _graph.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private void Export(string name, AlloyValue value)
    {
        AlloyValue exports;
        lock (_exportsLock)
        {
            _exports[name] = value;
            exports = AlloyValue.Object(new Dictionary<string, AlloyValue>(_exports, StringComparer.Ordinal));
        }
        host.SetExports(exports);
    }
}
