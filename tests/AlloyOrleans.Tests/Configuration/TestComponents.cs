using System.Collections.Concurrent;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components;
using AlloyOrleans.Grains.Scrape;
using AlloyOrleans.Tests.Infrastructure;

namespace AlloyOrleans.Tests.Configuration;

/// <summary>Records what the graph does to the test components, and lets a test publish exports on their behalf.</summary>
public sealed class ComponentProbe
{
    public ConcurrentQueue<(string Id, object Arguments)> Updates { get; } = new();

    public ConcurrentDictionary<string, IComponentHost> Hosts { get; } = new();

    public ConcurrentQueue<string> Stopped { get; } = new();

    public IReadOnlyList<string> UpdatedIds => Updates.Select(u => u.Id).ToList();

    public int UpdateCount(string id) => Updates.Count(u => u.Id == id);

    public T LastArguments<T>(string id) => (T)Updates.Last(u => u.Id == id).Arguments;
}

/// <summary>Base for test components: records updates, publishes exports computed from arguments, waits to be stopped.</summary>
public abstract class RecordingComponent(IComponentHost host, ComponentProbe probe) : IComponent
{
    public Task UpdateAsync(object arguments, CancellationToken cancellationToken)
    {
        probe.Hosts[host.ComponentId] = host;
        probe.Updates.Enqueue((host.ComponentId, arguments));
        if (Exports(arguments) is { } exports)
        {
            host.SetExports(exports);
        }
        return Task.CompletedTask;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            probe.Stopped.Enqueue(host.ComponentId);
        }
    }

    protected abstract object? Exports(object arguments);
}

public sealed class SourceArguments
{
    [Alloy("value")]
    public string Value { get; init; } = "";
}

public sealed class SourceExports
{
    [Alloy("value")]
    public string Value { get; init; } = "";
}

/// <summary><c>testing.source</c>: exports its <c>value</c> argument; tests change it through the probe.</summary>
[AlloyComponent("testing.source", typeof(SourceArguments), typeof(SourceExports))]
public sealed class SourceComponent(IComponentHost host, ComponentProbe probe) : RecordingComponent(host, probe)
{
    protected override object Exports(object arguments) => new SourceExports { Value = ((SourceArguments)arguments).Value };
}

public sealed class EchoArguments
{
    [Alloy("input", Required = true)]
    public string Input { get; init; } = "";
}

public sealed class EchoExports
{
    [Alloy("output")]
    public string Output { get; init; } = "";
}

/// <summary><c>testing.echo</c>: exports <c>output</c> = its <c>input</c>.</summary>
[AlloyComponent("testing.echo", typeof(EchoArguments), typeof(EchoExports))]
public sealed class EchoComponent(IComponentHost host, ComponentProbe probe) : RecordingComponent(host, probe)
{
    protected override object Exports(object arguments) => new EchoExports { Output = ((EchoArguments)arguments).Input };
}

public sealed class TargetsArguments
{
    [Alloy("targets", Required = true)]
    public IReadOnlyList<LabelSet> Targets { get; init; } = [];
}

public sealed class TargetsExports
{
    [Alloy("targets")]
    public IReadOnlyList<LabelSet> Targets { get; init; } = [];
}

/// <summary><c>testing.targets</c>: a discovery stand-in that exports the targets it is given.</summary>
[AlloyComponent("testing.targets", typeof(TargetsArguments), typeof(TargetsExports))]
public sealed class TargetsComponent(IComponentHost host, ComponentProbe probe) : RecordingComponent(host, probe)
{
    protected override object Exports(object arguments) => new TargetsExports { Targets = ((TargetsArguments)arguments).Targets };
}

public sealed class ReceiverArguments;

public sealed class ReceiverExports
{
    // Required, as in prometheus.remote_write's exports: the graph must cope with no value before the component runs.
    [Alloy("receiver")]
    public required ISampleSink Receiver { get; init; }
}

/// <summary><c>testing.receiver</c>: exports a <c>receiver</c> capsule, as prometheus.remote_write does.</summary>
[AlloyComponent("testing.receiver", typeof(ReceiverArguments), typeof(ReceiverExports))]
public sealed class ReceiverComponent(IComponentHost host, ComponentProbe probe) : RecordingComponent(host, probe)
{
    private readonly RecordingSink _sink = new();

    protected override object Exports(object arguments) => new ReceiverExports { Receiver = _sink };
}

/// <summary>A scrape registry that records the jobs it is given.</summary>
public sealed class RecordingScrapeRegistry : IScrapeJobRegistry
{
    public ConcurrentQueue<(ScrapeJob Job, IReadOnlyList<LabelSet> Targets)> Applied { get; } = new();

    public ConcurrentQueue<string> Removed { get; } = new();

    public void Apply(ScrapeJob job, IReadOnlyList<LabelSet> targets) => Applied.Enqueue((job, targets));

    public void Remove(string componentId) => Removed.Enqueue(componentId);
}
