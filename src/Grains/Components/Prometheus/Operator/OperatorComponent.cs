using System.Threading.Channels;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components.Common.Relabel;
using AlloyOrleans.Grains.Components.Discovery.Kubernetes;
using AlloyOrleans.Grains.Discovery.Kubernetes;
using AlloyOrleans.Grains.Discovery.Relabel;
using AlloyOrleans.Grains.Scrape;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.Components.Prometheus.Operator;

/// <summary>
/// What both operator components do: watch their monitor resource through the API server, turn each selected
/// monitor's endpoints into scrape jobs (<see cref="ScrapeConfigGenerator"/>), run a Kubernetes discovery per job,
/// relabel its targets and hand job and targets to the clustered scrape core — the same registry
/// <c>prometheus.scrape</c> feeds, so clustering, slots and hand-off apply unchanged. A monitor that changes
/// restarts its jobs; one that vanishes removes them.
/// </summary>
public abstract partial class OperatorComponent<TArguments>(IComponentHost host, IScrapeJobRegistry registry) : IComponent
    where TArguments : OperatorArguments
{
    private readonly Channel<TArguments> _updates = Channel.CreateBounded<TArguments>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>The resource the monitors are served under (<c>servicemonitors</c>, <c>podmonitors</c>).</summary>
    protected abstract string Plural { get; }

    /// <summary>How many endpoints a monitor has.</summary>
    protected abstract int EndpointCount(MonitorResource monitor);

    protected abstract MonitorScrapeConfig Generate(MonitorResource monitor, int index, TArguments arguments);

    public Task UpdateAsync(object arguments, CancellationToken cancellationToken)
    {
        var typed = (TArguments)arguments;
        typed.Validate();
        typed.CheckEnvironment();
        _updates.Writer.TryWrite(typed);
        return Task.CompletedTask;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        CancellationTokenSource? session = null;
        Task? running = null;
        try
        {
            await foreach (var arguments in _updates.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (session is not null)
                {
                    await session.CancelAsync().ConfigureAwait(false);
                    await running!.ConfigureAwait(false);
                    session.Dispose();
                }
                session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var token = session.Token;
                running = Task.Run(() => RunSessionAsync(arguments, token), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (session is not null)
            {
                await session.CancelAsync().ConfigureAwait(false);
                await running!.ConfigureAwait(false);
                session.Dispose();
            }
        }
    }

    private sealed record RunningJob(string Key, string ComponentId, CancellationTokenSource Stop, Task Run);

    /// <summary>One set of arguments: watch the monitors and keep one job per monitor endpoint until cancelled.</summary>
    private async Task RunSessionAsync(TArguments arguments, CancellationToken cancellationToken)
    {
        var client = KubernetesClientConfigurations.From(arguments.Client.ApiServer, arguments.Client.KubeconfigFile);
        var options = new KubernetesDiscoveryOptions
        {
            Role = KubernetesRole.Pod,
            Client = client,
            Http = KubernetesClientConfigurations.HttpSettings(arguments.Client.ApiServer, arguments.Client.KubeconfigFile, arguments.Client),
        };
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var kubernetes = KubernetesClientFactory.Create(options);
        var scopes = arguments.Namespaces.Count == 0 ? [null] : arguments.Namespaces.Distinct().Select(string? (ns) => ns).ToArray();
        var watchers = scopes.Select(ns => Monitors(kubernetes, ns, () => changed.Writer.TryWrite(true), options)).ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watching = watchers.Select(w => Task.Run(() => w.RunAsync(stop.Token), CancellationToken.None)).ToList();
        var jobs = new Dictionary<string, RunningJob>(StringComparer.Ordinal);
        try
        {
            await foreach (var _ in changed.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (watchers.All(w => w.Synced))
                {
                    await ReconcileAsync(arguments, options, watchers.SelectMany(w => w.Objects).ToList(), jobs, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(watching).ConfigureAwait(false);
            foreach (var job in jobs.Values)
            {
                await StopAsync(job).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Starts the jobs of new or changed monitor endpoints and stops those whose monitor changed or vanished.</summary>
    private async Task ReconcileAsync(TArguments arguments, KubernetesDiscoveryOptions connection, IReadOnlyList<MonitorResource> monitors, Dictionary<string, RunningJob> jobs, CancellationToken cancellationToken)
    {
        var desired = new Dictionary<string, (string Key, MonitorScrapeConfig Config)>(StringComparer.Ordinal);
        foreach (var monitor in monitors.Where(m => arguments.Selector?.Matches(m.Metadata.Labels) ?? true))
        {
            for (var i = 0; i < EndpointCount(monitor); i++)
            {
                try
                {
                    var config = Generate(monitor, i, arguments);
                    desired[config.JobName] = ($"{monitor.Metadata.Uid}/{monitor.Metadata.ResourceVersion}/{i}", config);
                }
                catch (Exception e) when (e is ComponentArgumentException or FormatException)
                {
                    LogMonitorRejected(host.Logger, host.ComponentId, $"{monitor.Metadata.NamespaceProperty}/{monitor.Metadata.Name}", i, e.Message);
                }
            }
        }
        foreach (var (name, job) in jobs.ToList())
        {
            if (!desired.TryGetValue(name, out var wanted) || wanted.Key != job.Key)
            {
                jobs.Remove(name);
                await StopAsync(job).ConfigureAwait(false);
            }
        }
        var rules = RelabelRuleArguments.ToRules(arguments.Rules);
        foreach (var (name, (key, config)) in desired)
        {
            if (!jobs.ContainsKey(name))
            {
                jobs[name] = Start(key, config, arguments, rules, connection, cancellationToken);
            }
        }
    }

    private RunningJob Start(string key, MonitorScrapeConfig config, TArguments arguments, IReadOnlyList<RelabelRule> rules, KubernetesDiscoveryOptions connection, CancellationToken cancellationToken)
    {
        var job = ToJob($"{host.ComponentId}/{config.JobName}", config, arguments);
        registry.Apply(job, []);
        var discoverer = new KubernetesDiscoverer(connection with { Role = config.Role, Namespaces = config.Namespaces }, host.Logger);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        var run = Task.Run(() => discoverer.RunAsync(targets => registry.Apply(job, Relabel(targets, job, config, rules)), token), CancellationToken.None);
        return new RunningJob(key, job.ComponentId, stop, run);
    }

    private async Task StopAsync(RunningJob job)
    {
        await job.Stop.CancelAsync().ConfigureAwait(false);
        await job.Run.ConfigureAwait(false);
        job.Stop.Dispose();
        registry.Remove(job.ComponentId);
    }

    /// <summary>
    /// Prometheus' target labels: the job's <c>job</c>, <c>__scheme__</c> and <c>__metrics_path__</c> first (so the
    /// rules see them), then the component's <c>rule</c> blocks, then the monitor's relabelings — Alloy's generator
    /// puts the component's rules in front of every generated list.
    /// </summary>
    public static IReadOnlyList<LabelSet> Relabel(IReadOnlyList<LabelSet> targets, ScrapeJob job, MonitorScrapeConfig config, IReadOnlyList<RelabelRule> rules)
    {
        var result = new List<LabelSet>(targets.Count);
        foreach (var target in targets)
        {
            var labels = target.ToDictionary();
            labels.TryAdd("job", job.JobName);
            labels.TryAdd("__scheme__", config.Scheme);
            labels.TryAdd("__metrics_path__", config.MetricsPath);
            if (RelabelProcessor.Process(LabelSet.FromDictionary(labels), rules) is { } relabelled
                && RelabelProcessor.Process(relabelled, config.Relabelings) is { } kept)
            {
                result.Add(kept);
            }
        }
        return result;
    }

    private static ScrapeJob ToJob(string componentId, MonitorScrapeConfig config, TArguments arguments) => new()
    {
        ComponentId = componentId,
        JobName = config.JobName,
        Interval = config.Interval,
        Timeout = config.Timeout,
        MetricsPath = config.MetricsPath,
        Scheme = config.Scheme,
        Params = config.Params,
        HonorLabels = config.HonorLabels,
        HonorTimestamps = config.HonorTimestamps,
        SampleLimit = config.SampleLimit,
        ClusteringEnabled = arguments.Clustering?.Enabled ?? false,
        ForwardTo = arguments.ForwardTo,
        MetricRelabel = config.MetricRelabelings.Count == 0 ? null : labels => RelabelProcessor.Process(labels, config.MetricRelabelings),
    };

    private ResourceWatcher<MonitorResource, MonitorResourceList> Monitors(IKubernetes client, string? ns, Action changed, KubernetesDiscoveryOptions options)
    {
        const string group = "monitoring.coreos.com", version = "v1";
        // The typed WatchAsync is marked obsolete in favour of an untyped one (events of plain objects); the typed
        // form keeps monitors deserialized once, by the client.
#pragma warning disable CS0618
        var api = ns is null
            ? new ResourceApi<MonitorResource, MonitorResourceList>(
                ct => client.CustomObjects.ListClusterCustomObjectAsync<MonitorResourceList>(group, version, Plural, cancellationToken: ct),
                (resourceVersion, timeout, onError, ct) => client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<MonitorResourceList>(
                    group, version, Plural, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeout, watch: true,
                    cancellationToken: ct).WatchAsync<MonitorResource, MonitorResourceList>(onError, ct))
            : new ResourceApi<MonitorResource, MonitorResourceList>(
                ct => client.CustomObjects.ListNamespacedCustomObjectAsync<MonitorResourceList>(group, version, ns, Plural, cancellationToken: ct),
                (resourceVersion, timeout, onError, ct) => client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<MonitorResourceList>(
                    group, version, ns, Plural, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeout, watch: true,
                    cancellationToken: ct).WatchAsync<MonitorResource, MonitorResourceList>(onError, ct));
#pragma warning restore CS0618
        return new ResourceWatcher<MonitorResource, MonitorResourceList>($"{Plural} in {ns ?? "all namespaces"}", api, l => l.Items, changed, options, host.Logger);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ComponentId}: skipping endpoint {Index} of {Monitor}: {Error}")]
    private static partial void LogMonitorRejected(ILogger logger, string componentId, string monitor, int index, string error);
}
