using System.Threading.Channels;
using AlloyOrleans.Grains.Components;
using AlloyOrleans.Silo.Configuration.Modules;
using AlloyOrleans.Silo.Syntax;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>
/// Runs a loaded configuration: creates each component in dependency order with its evaluated arguments, runs them,
/// and when a component publishes changed exports re-evaluates the components that reference it (their own export
/// changes carry the update further). A component whose new arguments fail to evaluate keeps its previous ones and
/// the error is logged, as Alloy does. A module's graph (a custom component's body) also takes argument values
/// from, and publishes its exports to, the custom component that runs it (<see cref="ModuleInterface"/>).
/// </summary>
public sealed partial class ComponentGraph(LoadedConfiguration configuration, ModuleInterface? module = null) : IAsyncDisposable
{
    private sealed class Node(ComponentDefinition definition)
    {
        public ComponentDefinition Definition { get; } = definition;

        public List<Node> Dependents { get; } = [];

        public IComponent? Component { get; set; }

        public EvaluatedBlock? LastEvaluated { get; set; }

        /// <summary>A custom component's module identity at its last update (see <see cref="ModuleInstanceArguments.Key"/>).</summary>
        public object? LastKey { get; set; }

        public Task? Run { get; set; }

        public int Order { get; set; }
    }

    private readonly Lock _exportsLock = new();
    private readonly Dictionary<string, AlloyValue> _exports = new(StringComparer.Ordinal);
    private readonly Channel<string> _changed = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private Dictionary<string, Node> _nodes = [];
    private ILogger _logger = NullLogger.Instance;
    private Task? _propagation;

    public LoadedConfiguration Configuration { get; } = configuration;

    /// <summary>The current exports of a component (its defaults until it publishes).</summary>
    public AlloyValue GetExports(string componentId)
    {
        lock (_exportsLock)
        {
            return _exports[componentId];
        }
    }

    /// <summary>
    /// Creates every component (constructed with <paramref name="services"/> plus its <see cref="IComponentHost"/>),
    /// applies its first arguments, then starts their run loops. Data directories are
    /// <c><paramref name="storagePath"/>/&lt;component id&gt;</c>.
    /// </summary>
    public async Task StartAsync(IServiceProvider services, string storagePath, CancellationToken cancellationToken)
    {
        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<ComponentGraph>();
        _nodes = Configuration.Components.Select((d, i) => new Node(d) { Order = i }).ToDictionary(n => n.Definition.Id, StringComparer.Ordinal);
        foreach (var node in _nodes.Values)
        {
            foreach (var dependency in node.Definition.Dependencies)
            {
                _nodes[dependency].Dependents.Add(node);
            }
            lock (_exportsLock)
            {
                _exports[node.Definition.Id] = InitialExports(node.Definition.Node);
            }
        }

        foreach (var node in _nodes.Values.OrderBy(n => n.Order))
        {
            await StartNodeAsync(node, services, loggerFactory, storagePath, cancellationToken).ConfigureAwait(false);
        }

        _propagation = Task.Run(() => PropagateAsync(_stopping.Token), CancellationToken.None);
        foreach (var node in _nodes.Values.Where(n => n.Component is not null))
        {
            node.Run = RunComponentAsync(node, _stopping.Token);
        }
    }

    /// <summary>Cancels every component's run loop and waits for them to return.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        _changed.Writer.TryComplete();
        var tasks = _nodes.Values.Select(n => n.Run).OfType<Task>().ToList();
        if (_propagation is not null)
        {
            tasks.Add(_propagation);
        }
        await Task.WhenAll(tasks).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private IReadOnlyDictionary<string, AlloyValue> Scope()
    {
        lock (_exportsLock)
        {
            return ExportScope.Build(Configuration.StandardLibrary, _exports.Where(e => _nodes[e.Key].Definition.Node.Referencable).ToList());
        }
    }

    private void Publish(string componentId, object exports)
    {
        var value = exports as AlloyValue ?? ValueEncoder.EncodeObject(exports, _nodes[componentId].Definition.Registration?.ExportsType ?? exports.GetType());
        lock (_exportsLock)
        {
            if (_exports.TryGetValue(componentId, out var previous) && previous.Equals(value))
            {
                return;
            }
            _exports[componentId] = value;
        }
        _changed.Writer.TryWrite(componentId);
    }

    private async Task RunComponentAsync(ComponentDefinition definition, IComponent component, CancellationToken cancellationToken)
    {
        try
        {
            await component.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogComponentFailed(e, definition.Id);
        }
    }

    private Task RunComponentAsync(Node node, CancellationToken cancellationToken) =>
        Task.Run(() => RunComponentAsync(node.Definition, node.Component!, cancellationToken), CancellationToken.None);

    /// <summary>Re-evaluates the dependents of components whose exports changed, in dependency order, one batch at a time.</summary>
    private async Task PropagateAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _changed.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var changed = new HashSet<string>(StringComparer.Ordinal);
                while (_changed.Reader.TryRead(out var id))
                {
                    changed.Add(id);
                }
                var dependents = changed.SelectMany(id => _nodes[id].Dependents).Distinct().OrderBy(n => n.Order);
                foreach (var node in dependents)
                {
                    await ReevaluateAsync(node, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReevaluateAsync(Node node, CancellationToken cancellationToken)
    {
        try
        {
            switch (node.Definition.Node.Kind)
            {
                case ModuleNodeKind.Component or ModuleNodeKind.Import:
                    var evaluated = EvaluatedBlock.Evaluate(node.Definition.Block, Scope());
                    if (evaluated.SameValues(node.LastEvaluated))
                    {
                        return;
                    }
                    var arguments = BlockDecoder.Decode(evaluated, node.Definition.Registration!.ArgumentsType);
                    node.LastEvaluated = evaluated;
                    await node.Component!.UpdateAsync(arguments, cancellationToken).ConfigureAwait(false);
                    break;
                case ModuleNodeKind.Export:
                    PublishExport(node);
                    break;
                case ModuleNodeKind.CustomComponent or ModuleNodeKind.ImportedComponent:
                    var instance = InstanceArguments(node, out var block);
                    if (block.SameValues(node.LastEvaluated) && Equals(instance.Key, node.LastKey))
                    {
                        return;
                    }
                    node.LastEvaluated = block;
                    node.LastKey = instance.Key;
                    await node.Component!.UpdateAsync(instance, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        catch (SyntaxException e)
        {
            LogEvaluationFailed(node.Definition.Id, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogUpdateFailed(e, node.Definition.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Component {ComponentId} stopped with an error")]
    private partial void LogComponentFailed(Exception exception, string componentId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Component {ComponentId} keeps its previous arguments: {Error}")]
    private partial void LogEvaluationFailed(string componentId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Component {ComponentId} failed to apply new arguments")]
    private partial void LogUpdateFailed(Exception exception, string componentId);
}
