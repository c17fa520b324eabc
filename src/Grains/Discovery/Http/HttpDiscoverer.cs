using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Http;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.Discovery.Http;

/// <summary>
/// Discovers targets by polling a URL that returns Prometheus' HTTP SD JSON (<c>[{"targets": […], "labels": {…}}]</c>)
/// with status 200 and content type application/json. Each group carries <c>__meta_url</c>. When the endpoint
/// fails, the last good targets stay and the request is retried with a doubling backoff capped at the refresh interval.
/// </summary>
public sealed partial class HttpDiscoverer(HttpDiscoveryOptions options, ILogger logger) : ITargetDiscoverer
{
    public const string UrlLabel = "__meta_url";

    public async Task RunAsync(Action<IReadOnlyList<LabelSet>> publish, CancellationToken cancellationToken)
    {
        var publisher = new TargetListPublisher(publish);
        using var client = new HttpClient(HttpHandlerFactory.Create(options.Http, DecompressionMethods.GZip))
        {
            Timeout = options.Timeout,
            MaxResponseContentBufferSize = options.MaxResponseBytes,
        };
        var backoff = options.MinBackoff;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                TimeSpan delay;
                try
                {
                    var groups = await FetchAsync(client, cancellationToken).ConfigureAwait(false);
                    publisher.Publish(TargetGroup.FlattenAll(groups));
                    backoff = options.MinBackoff;
                    delay = options.RefreshInterval;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested &&
                                          e is HttpRequestException or FormatException or TaskCanceledException or IOException or UnauthorizedAccessException)
                {
                    LogRefreshFailed(logger, Redaction.Url(options.Url), backoff, e.Message);
                    delay = backoff < options.RefreshInterval ? backoff : options.RefreshInterval;
                    backoff = RetryBackoff.Next(backoff, options.RefreshInterval);
                }
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<IReadOnlyList<TargetGroup>> FetchAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, options.Url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("AlloyOrleans", "1.0"));
        request.Headers.Add("X-Prometheus-Refresh-Interval-Seconds",
            ((long)options.RefreshInterval.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != System.Net.HttpStatusCode.OK)
        {
            throw new HttpRequestException($"server returned HTTP status {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        var contentType = response.Content.Headers.ContentType?.ToString() ?? "";
        if (!JsonContentType().IsMatch(contentType))
        {
            throw new FormatException($"unsupported content type \"{contentType}\"");
        }
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        // Targets, their labels and the logs carry the URL without its user-info: credentials stay out of metrics and APIs.
        var url = Redaction.Url(options.Url);
        return TargetGroupParser.ParseJson(body, url, LabelSet.From((UrlLabel, url)));
    }

    [GeneratedRegex(@"^application/json(;.*)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex JsonContentType();

    [LoggerMessage(Level = LogLevel.Error, Message = "discovery.http: refreshing {Url} failed, keeping the last targets and retrying in at most {Backoff}: {Error}")]
    private static partial void LogRefreshFailed(ILogger logger, string url, TimeSpan backoff, string error);
}
