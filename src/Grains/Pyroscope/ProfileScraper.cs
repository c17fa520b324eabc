using System.Buffers;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Scrape;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.Pyroscope;

/// <summary>
/// One slot of one profile target, as Alloy's pyroscope.scrape performs it: GET the profile endpoint (a delta
/// profile's request carries <c>seconds</c> and gets that much longer than <c>scrape_timeout</c>), require 200 and a
/// valid pprof body within the size limit, turn cumulative types into deltas, and hand the profile to every receiver.
/// Anything else fails that target's scrape with the reason on the targets page; it never throws.
/// </summary>
public sealed partial class ProfileScraper(
    ScrapeHttpClients clients, TimeProvider time, ILogger logger, IReadOnlyList<IProfileSink> forwardTo) : IScrapeExecutor
{
    private const string UserAgent = "AlloyOrleans/1.0";

    public IReadOnlyList<IProfileSink> ForwardTo { get; } = forwardTo;

    public async Task<ScrapeReport> ScrapeAsync(ScrapeJob job, ScrapeTarget target, TargetScrapeState state, long slotMs, CancellationToken cancellationToken)
    {
        await state.Gate.WaitAsync(cancellationToken);
        try
        {
            state.Job = job;
            var profileState = state.ExecutorState as ProfileScrapeState ?? CreateState(target);
            state.ExecutorState = profileState;
            var started = time.GetTimestamp();
            var samples = 0;
            string? error = null;
            try
            {
                var body = await FetchAsync(job, target, cancellationToken);
                var profile = ProfileDecoder.Decode(body, job.BodySizeLimitBytes);
                samples = profile.Sample.Count;
                ReadOnlyMemory<byte> raw = body;
                if (profileState.Delta is { } delta)
                {
                    var change = delta.Next(profile);
                    raw = change is null ? ReadOnlyMemory<byte>.Empty : ProfileDecoder.EncodeGzip(change);
                }
                if (!raw.IsEmpty)
                {
                    foreach (var sink in ForwardTo)
                    {
                        await sink.AppendAsync(profileState.PushLabels, raw, cancellationToken);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = ex is HttpRequestException http ? http.InnerException?.Message ?? http.Message : ex.Message;
                LogScrapeFailed(job.ComponentId, target.Url, error);
            }
            return new ScrapeReport(error is null, time.GetElapsedTime(started).TotalSeconds, samples, error);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>A target that left discovery: forget its baseline (profiles have no staleness markers).</summary>
    public async Task EndSeriesAsync(TargetScrapeState state, long timestampMs, CancellationToken cancellationToken)
    {
        await state.Gate.WaitAsync(cancellationToken);
        state.ExecutorState = null;
        state.Gate.Release();
    }

    /// <summary>A delta profile's request blocks for <c>seconds</c>: Alloy extends the timeout by the interval less one second.</summary>
    public static TimeSpan TimeoutOf(ScrapeJob job, ScrapeTarget target) =>
        target.DiscoveredLabels.Contains("__param_seconds") || job.Params.ContainsKey("seconds")
            ? job.Timeout + job.Interval - TimeSpan.FromSeconds(1)
            : job.Timeout;

    private static ProfileScrapeState CreateState(ScrapeTarget target)
    {
        var name = target.DiscoveredLabels.Get(ProfileTargetLabels.ProfileName);
        var cumulative = ProfileType.CumulativeSampleTypes(name);
        var alreadyDelta = cumulative is not null || ProfileType.IsComputedInTarget(name);
        return new ProfileScrapeState(
            ProfileTargetLabels.ForPush(target.DiscoveredLabels, target.Labels, alreadyDelta),
            cumulative is null ? null : new ProfileDeltaComputer(cumulative));
    }

    private async Task<byte[]> FetchAsync(ScrapeJob job, ScrapeTarget target, CancellationToken cancellationToken)
    {
        var timeoutAfter = TimeoutOf(job, target);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(timeoutAfter);
        using var request = new HttpRequestMessage(HttpMethod.Get, target.Url);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        try
        {
            using var response = await clients.For(job).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            var (buffer, length) = await TargetScraper.ReadBoundedAsync(stream, job.BodySizeLimitBytes, timeout.Token);
            try
            {
                if (!response.IsSuccessStatusCode)
                {
                    var text = System.Text.Encoding.UTF8.GetString(buffer, 0, Math.Min(length, 256)).Trim();
                    throw new ScrapeException($"server returned HTTP status ({(int)response.StatusCode}) {(text.Length > 0 ? text : response.ReasonPhrase)}");
                }
                if (length == 0)
                {
                    throw new ScrapeException($"empty {target.DiscoveredLabels.Get(ProfileTargetLabels.ProfileName)} profile from {target.Url}");
                }
                return buffer.AsSpan(0, length).ToArray();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ScrapeException($"context deadline exceeded (timeout {timeoutAfter.TotalSeconds}s)");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{ComponentId}: profile scrape of {Url} failed: {Error}")]
    private partial void LogScrapeFailed(string componentId, Uri url, string error);
}
