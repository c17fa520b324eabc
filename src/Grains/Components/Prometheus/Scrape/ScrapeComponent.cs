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

    /// <summary>Maps the arguments onto the scrape core's job; secret files are read now (a change needs a reload).</summary>
    public static async Task<ScrapeJob> ToJobAsync(string componentId, ScrapeArguments args, CancellationToken cancellationToken)
    {
        var bearer = args.BearerToken ?? await ReadSecretAsync(args.BearerTokenFile, cancellationToken).ConfigureAwait(false);
        var authorization = args.Authorization;
        var authorizationCredentials = authorization is null
            ? null
            : NullIfEmpty(authorization.Credentials) ?? await ReadSecretAsync(NullIfEmpty(authorization.CredentialsFile), cancellationToken).ConfigureAwait(false);
        var basicAuth = args.BasicAuth;
        var basicPassword = basicAuth is null
            ? null
            : NullIfEmpty(basicAuth.Password) ?? await ReadSecretAsync(NullIfEmpty(basicAuth.PasswordFile), cancellationToken).ConfigureAwait(false);
        var tls = args.TlsConfig;
        return new ScrapeJob
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
            EnableCompression = args.EnableCompression,
            ClusteringEnabled = args.Clustering?.Enabled ?? false,
            Balance = args.Clustering?.ToBalance() ?? ScrapeBalance.Targets,
            ForwardTo = args.ForwardTo,
            Http = new ScrapeHttpClientSettings
            {
                BearerToken = bearer,
                BasicAuthUsername = basicAuth?.Username,
                BasicAuthPassword = basicPassword,
                AuthorizationType = authorization?.Type,
                AuthorizationCredentials = authorizationCredentials,
                TlsCaFile = NullIfEmpty(tls?.CaFile),
                TlsCertFile = NullIfEmpty(tls?.CertFile),
                TlsKeyFile = NullIfEmpty(tls?.KeyFile),
                TlsServerName = NullIfEmpty(tls?.ServerName),
                TlsInsecureSkipVerify = tls?.InsecureSkipVerify ?? false,
            },
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static async Task<string?> ReadSecretAsync(string? path, CancellationToken cancellationToken) =>
        path is null ? null : (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
}
