using AlloyOrleans.Grains.Components.Common.Http;
using AlloyOrleans.Grains.Pyroscope;
using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Grains.Components.Pyroscope.Scrape;

/// <summary>
/// <c>pyroscope.scrape</c>: every discovered target becomes one scheduled target per enabled profile type, handed to
/// the clustered scrape core with the profile executor — so profiles share the ring, the slot grid, the hand-off and
/// the stateless scrape workers with metrics, and each target and profile type is scraped once per slot.
/// </summary>
[AlloyComponent("pyroscope.scrape", typeof(PyroscopeScrapeArguments))]
public sealed class PyroscopeScrapeComponent(IComponentHost host, IScrapeJobRegistry registry, ScrapeHttpClients clients, TimeProvider time) : IComponent
{
    /// <summary>
    /// Ours (Alloy has no limit): a profile body, compressed or after gunzip, larger than this fails the scrape, so a
    /// gzip bomb costs bounded memory.
    /// </summary>
    public const long BodySizeLimitBytes = 128L << 20;

    public async Task UpdateAsync(object arguments, CancellationToken cancellationToken)
    {
        var args = (PyroscopeScrapeArguments)arguments;
        var job = new ScrapeJob
        {
            ComponentId = host.ComponentId,
            JobName = string.IsNullOrEmpty(args.JobName) ? host.ComponentId : args.JobName,
            Interval = args.ScrapeInterval,
            Timeout = args.ScrapeTimeout,
            Scheme = args.Scheme,
            Params = args.Params,
            BodySizeLimitBytes = BodySizeLimitBytes,
            ClusteringEnabled = args.Clustering?.Enabled ?? false,
            Http = args.ToSettings(),
            Executor = new ProfileScraper(clients, time, host.Logger, args.ForwardTo),
        };
        var profiles = args.ProfilingConfig.Enabled();
        var paramsHaveSeconds = args.Params.TryGetValue("seconds", out var seconds) && seconds.Count > 0;
        var targets = args.Targets
            .SelectMany(t => ProfileTargetLabels.Expand(t, profiles, args.ProfilingConfig.PathPrefix, args.Scheme, args.DeltaSeconds, paramsHaveSeconds))
            .ToList();
        registry.Apply(job, targets);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ComponentTasks.UntilCancelledAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            registry.Remove(host.ComponentId);
        }
    }
}
