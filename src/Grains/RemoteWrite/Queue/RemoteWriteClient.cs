using System.Net.Http.Headers;
using System.Reflection;
using AlloyOrleans.Grains.Http;

namespace AlloyOrleans.Grains.RemoteWrite.Queue;

/// <summary>Sends one compressed WriteRequest to an endpoint and classifies the answer. Thread-safe.</summary>
public sealed class RemoteWriteClient : IDisposable
{
    private const int MaxErrorBodyChars = 512;

    private static readonly string UserAgent =
        "AlloyOrleans/" + (typeof(RemoteWriteClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev");

    private readonly HttpClient _http;
    private readonly RemoteWriteEndpointOptions _options;

    public RemoteWriteClient(RemoteWriteEndpointOptions options)
    {
        _options = options;
        _http = new HttpClient(HttpHandlerFactory.Create(options.Http, connectTimeout: options.RemoteTimeout)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<SendOutcome> SendAsync(ReadOnlyMemory<byte> compressedBody, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RemoteTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Url);
        var content = new ReadOnlyMemoryContent(compressedBody);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        content.Headers.ContentEncoding.Add("snappy");
        request.Content = content;
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.Add("X-Prometheus-Remote-Write-Version", "0.1.0");
        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status / 100 == 2)
            {
                return new SendOutcome(SendOutcomeKind.Sent, status, null, null);
            }
            var error = await ReadErrorAsync(response, timeout.Token).ConfigureAwait(false);
            var retry = status / 100 == 5 || (status == 429 && _options.Queue.RetryOnHttp429);
            return new SendOutcome(retry ? SendOutcomeKind.Retry : SendOutcomeKind.Drop, status, RetryAfter(response), error);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendOutcome(SendOutcomeKind.Retry, 0, null, $"no answer within remote_timeout {_options.RemoteTimeout}");
        }
        catch (HttpRequestException e)
        {
            // The inner exception says what actually failed (refused connection, certificate chain, name mismatch).
            var cause = e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
            return new SendOutcome(SendOutcomeKind.Retry, 0, null, cause);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Anything else (a TLS file that went missing, a proxy that cannot be used) may heal; the WAL keeps the
            // data meanwhile, and the retry log says what is wrong.
            return new SendOutcome(SendOutcomeKind.Retry, 0, null, e.GetType().Name + ": " + e.Message);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (delay is not { } value || value <= TimeSpan.Zero)
        {
            return null;
        }
        return value > _options.Queue.MaxRetryAfter ? _options.Queue.MaxRetryAfter : value;
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            body = body.Trim();
            return body.Length > MaxErrorBodyChars ? body[..MaxErrorBodyChars] : body;
        }
        catch (HttpRequestException)
        {
            return string.Empty;
        }
    }

    public void Dispose() => _http.Dispose();
}
