using AlloyOrleans.Grains.Components.Common.Http;
using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Grains.Components.Prometheus.Scrape;

/// <summary>
/// <c>prometheus.scrape</c>: hands its job settings and targets to the clustered scrape core on every update, and
/// removes the job when the component stops. Metric relabelling is the separate <c>prometheus.relabel</c> component.
/// </summary>
[AlloyComponent("prometheus.scrape", typeof(ScrapeArguments))]
public sealed class ScrapeComponent(IComponentHost host, IScrapeJobRegistry registry) : IComponent
{
    public async Task UpdateAsync(object arguments, CancellationToken cancellationToken)
    {
        var args = (ScrapeArguments)arguments;
        var job = await ToJobAsync(host.ComponentId, args, cancellationToken).ConfigureAwait(false);
        registry.Apply(job, args.Targets);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            registry.Remove(host.ComponentId);
        }
    }

    /// <summary>Maps the arguments onto the scrape core's job (secret files are read per request, so rotation needs no reload).</summary>
    public static Task<ScrapeJob> ToJobAsync(string componentId, ScrapeArguments args, CancellationToken cancellationToken) =>
        Task.FromResult(new ScrapeJob
        {
            ComponentId = componentId,
            JobName = string.IsNullOrEmpty(args.JobName) ? componentId : args.JobName,
            Interval = args.ScrapeInterval,
            Timeout = args.ScrapeTimeout,
            MetricsPath = args.MetricsPath,
            Scheme = args.Scheme,
            Params = args.Params,
            HonorLabels = args.HonorLabels,
            HonorTimestamps = args.HonorTimestamps,
            SampleLimit = args.SampleLimit,
            BodySizeLimitBytes = args.BodySizeLimitBytes,
            LabelLimits = args.LabelLimits,
            EnableCompression = args.EnableCompression,
            ClusteringEnabled = args.Clustering?.Enabled ?? false,
            Balance = args.Clustering?.ToBalance() ?? ScrapeBalance.Targets,
            ForwardTo = args.ForwardTo,
            Http = args.ToSettings(),
        });
}
