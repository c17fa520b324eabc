using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Http;
using AlloyOrleans.Grains.Scrape.Exposition;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// One scrape as Prometheus 2.42 performs it: GET with its Accept header, gzip and timeout; the body size limit;
/// parse; target labels (with <c>honor_labels</c>); metric relabelling; <c>sample_limit</c>; the synthetic series;
/// staleness markers for series that vanished; and every sample to the job's receivers. A failed scrape writes
/// <c>up</c> 0 and ends the previous series; it never throws.
/// </summary>
public sealed partial class TargetScraper(ScrapeHttpClients clients, TimeProvider time, ILogger<TargetScraper> logger) : IScrapeExecutor
{
    public const string AcceptHeader =
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    private const string UserAgent = "AlloyOrleans/1.0";

    public async Task<ScrapeReport> ScrapeAsync(ScrapeJob job, ScrapeTarget target, TargetScrapeState state, long slotMs, CancellationToken cancellationToken)
    {
        await state.Gate.WaitAsync(cancellationToken);
        try
        {
            var started = time.GetTimestamp();
            var samples = SampleListPool.Rent();
            string? error = null;
            int scraped = 0, kept = 0, added = 0;
            if (state.Job is { } previousJob && (previousJob.HonorLabels != job.HonorLabels || previousJob.JobName != job.JobName
                || !ReferenceEquals(previousJob.MetricRelabel, job.MetricRelabel) || previousJob.LabelLimits != job.LabelLimits))
            {
                // Settings that shape series labels changed (a configuration reload): resolve every series afresh.
                state.Series.Clear();
            }
            state.Job = job;
            state.ScrapeNumber++;
            try
            {
                var (body, length, contentType) = await FetchAsync(job, target, cancellationToken);
                try
                {
                    var deadline = ParseDeadline.After(time, started, job.Timeout);
                    (scraped, kept, added) = ReadSamples(job, target, state, body.AsSpan(0, length), contentType, deadline, slotMs, samples);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(body);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = Describe(ex);
                samples.Clear();
                scraped = kept = added = 0;
                LogScrapeFailed(job.ComponentId, Redaction.Url(target.Url), error);
            }

            // Series the previous scrape had and this one lacks (all of them, when the scrape failed) end now.
            AppendStaleMarkers(state, slotMs, samples, keepCurrent: error is null);

            var duration = time.GetElapsedTime(started).TotalSeconds;
            AppendSynthetic(target, slotMs, samples, error is null, duration, scraped, kept, added);
            try
            {
                await ForwardAsync(job, samples, cancellationToken);
            }
            finally
            {
                SampleListPool.Return(samples);
            }
            return new ScrapeReport(error is null, duration, scraped, error);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>Ends every series of a target that disappeared from discovery.</summary>
    public async Task EndSeriesAsync(TargetScrapeState state, long timestampMs, CancellationToken cancellationToken)
    {
        if (state.Job is not { } job)
        {
            return;
        }
        await state.Gate.WaitAsync(cancellationToken);
        try
        {
            var samples = new List<Sample>();
            foreach (var series in state.Series.Values)
            {
                if (series.Labels is not null)
                {
                    samples.Add(new Sample(series.Labels, timestampMs, Sample.StaleNaN));
                }
            }
            state.Series.Clear();
            await ForwardAsync(job, samples, cancellationToken);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private async Task<(byte[] Body, int Length, string? ContentType)> FetchAsync(ScrapeJob job, ScrapeTarget target, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(job.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, target.Url);
        request.Headers.TryAddWithoutValidation("Accept", AcceptHeader);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.TryAddWithoutValidation("X-Prometheus-Scrape-Timeout-Seconds", job.Timeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (job.EnableCompression)
        {
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        }

        try
        {
            using var response = await clients.For(job).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new ScrapeException($"server returned HTTP status {(int)response.StatusCode} {response.ReasonPhrase}");
            }
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            var (body, length) = await ReadBoundedAsync(stream, job.BodySizeLimitBytes, timeout.Token);
            return (body, length, response.Content.Headers.ContentType?.ToString());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ScrapeException($"context deadline exceeded (scrape_timeout {job.Timeout.TotalSeconds}s)");
        }
    }

    /// <summary>Reads the body into a pooled buffer; reaching the body size limit fails the scrape, as in Prometheus.</summary>
    internal static async Task<(byte[] Buffer, int Length)> ReadBoundedAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    return (buffer, length);
                }
                length += read;
                if (limit > 0 && length >= limit)
                {
                    throw new ScrapeException($"body size limit exceeded ({limit} bytes)");
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Parses the body into samples. Returns scraped, kept-after-relabelling and new series counts.</summary>
    internal static (int Scraped, int Kept, int Added) ReadSamples(
        ScrapeJob job, ScrapeTarget target, TargetScrapeState state, ReadOnlySpan<byte> body, string? contentType, ParseDeadline deadline, long slotMs, List<Sample> samples)
    {
        var reader = new ExpositionReader(body, ExpositionContentType.Detect(contentType), deadline);
        int scraped = 0, added = 0;
        var scrapeNumber = state.ScrapeNumber;
        var start = samples.Count;
        while (reader.Read())
        {
            if (reader.Kind != EntryKind.Series)
            {
                continue;
            }
            scraped++;
            var key = SeriesKey.Of(reader.SeriesBytes);
            ref var series = ref CollectionsMarshal.GetValueRefOrNullRef(state.Series, key);
            if (Unsafe.IsNullRef(ref series))
            {
                // Resolved before the entry exists: a series whose labels break a limit fails the scrape, not the cache.
                var labels = ResolveLabels(job, target, ref reader);
                series = ref CollectionsMarshal.GetValueRefOrAddDefault(state.Series, key, out _);
                series = new CachedSeries(labels);
                added++;
            }
            if (series.LastSeen == scrapeNumber || series.Labels is null)
            {
                // The same series twice in one exposition keeps its first value; dropped series are skipped.
                series.MarkSeen(scrapeNumber);
                continue;
            }
            series.MarkSeen(scrapeNumber);
            var timestamp = job.HonorTimestamps && reader.TimestampMs is { } ts ? ts : slotMs;
            samples.Add(new Sample(series.Labels, timestamp, reader.Value));
        }
        if (added > 0)
        {
            state.TrimSeries();
        }
        var kept = samples.Count - start;
        if (job.SampleLimit > 0 && kept > job.SampleLimit)
        {
            throw new ScrapeException($"sample limit exceeded ({kept} > {job.SampleLimit})");
        }
        return (scraped, kept, added);
    }

    /// <summary>Scraped labels plus target labels (renaming clashes to <c>exported_*</c> unless honor_labels), then metric relabelling.</summary>
    private static LabelSet? ResolveLabels(ScrapeJob job, ScrapeTarget target, ref ExpositionReader reader)
    {
        // CreateLabelSet applies Prometheus' rules for the scraped labels (__name__, empty and repeated names).
        var labels = reader.CreateLabelSet().ToDictionary();
        foreach (var targetLabel in target.Labels)
        {
            if (!labels.TryGetValue(targetLabel.Name, out var scrapedValue))
            {
                labels[targetLabel.Name] = targetLabel.Value;
            }
            else if (!job.HonorLabels)
            {
                var exported = "exported_" + targetLabel.Name;
                while (labels.ContainsKey(exported))
                {
                    exported = "exported_" + exported;
                }
                labels[exported] = scrapedValue;
                labels[targetLabel.Name] = targetLabel.Value;
            }
        }
        var set = LabelSet.FromDictionary(labels);
        var relabelled = job.MetricRelabel is { } relabel ? relabel(set) : set;
        if (relabelled is null)
        {
            return null;
        }
        job.LabelLimits.Check(relabelled);
        // The cached series lives as long as the target does: keep shared strings, not this exposition's copies.
        return LabelSet.Compact(relabelled);
    }

    private static void AppendStaleMarkers(TargetScrapeState state, long slotMs, List<Sample> samples, bool keepCurrent)
    {
        var previous = state.ScrapeNumber - 1;
        List<SeriesKey>? gone = null;
        foreach (var (key, series) in state.Series)
        {
            var current = series.LastSeen == state.ScrapeNumber;
            if (keepCurrent && current)
            {
                continue;
            }
            var seenInPrevious = current ? series.PreviouslySeen == previous : series.LastSeen == previous;
            if (seenInPrevious && series.Labels is not null)
            {
                samples.Add(new Sample(series.Labels, slotMs, Sample.StaleNaN));
            }
            (gone ??= []).Add(key);
        }
        if (gone is not null)
        {
            foreach (var key in gone)
            {
                state.Series.Remove(key);
            }
        }
    }

    private static void AppendSynthetic(ScrapeTarget target, long slotMs, List<Sample> samples, bool up, double duration, int scraped, int kept, int added)
    {
        samples.Add(new Sample(WithName(target, "up"), slotMs, up ? 1 : 0));
        samples.Add(new Sample(WithName(target, "scrape_duration_seconds"), slotMs, duration));
        samples.Add(new Sample(WithName(target, "scrape_samples_scraped"), slotMs, scraped));
        samples.Add(new Sample(WithName(target, "scrape_samples_post_metric_relabeling"), slotMs, kept));
        samples.Add(new Sample(WithName(target, "scrape_series_added"), slotMs, added));
    }

    private static LabelSet WithName(ScrapeTarget target, string name) => target.SyntheticSeries(name);

    private static async Task ForwardAsync(ScrapeJob job, List<Sample> samples, CancellationToken cancellationToken)
    {
        foreach (var sink in job.ForwardTo)
        {
            await sink.AppendAsync(samples, cancellationToken);
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        ScrapeException or ExpositionFormatException => ex.Message,
        HttpRequestException http => http.InnerException?.Message ?? http.Message,
        _ => ex.Message,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "{ComponentId}: scrape of {Url} failed: {Error}")]
    private partial void LogScrapeFailed(string componentId, string url, string error);
}
