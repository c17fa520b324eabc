using AlloyOrleans.Grains.Http;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace AlloyOrleans.Grains.Pyroscope;

/// <summary>
/// One <c>push.v1.PusherService/Push</c> call with the connect protocol (unary, protobuf): POST the encoded
/// PushRequest to <c>{url}/push.v1.PusherService/Push</c>. A connect error names its code in a JSON body; without one
/// the HTTP status maps to a code as the connect spec says. The codes Alloy retries are retried.
/// </summary>
public sealed class ConnectPushClient(PushEndpointOptions options) : IDisposable
{
    public const string Path = "push.v1.PusherService/Push";
    private const string UserAgent = "AlloyOrleans/1.0";

    private static readonly HashSet<string> RetriedCodes =
        ["deadline_exceeded", "unknown", "resource_exhausted", "internal", "unavailable", "data_loss", "aborted"];

    private readonly HttpClient _http = new(HttpHandlerFactory.Create(options.Http, connectTimeout: options.RemoteTimeout)) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly Uri _url = new(options.Url.ToString().TrimEnd('/') + "/" + Path);

    public async Task<PushOutcome> PushAsync(ReadOnlyMemory<byte> pushRequest, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RemoteTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, _url)
        {
            Content = new ReadOnlyMemoryContent(pushRequest),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/proto");
        request.Headers.TryAddWithoutValidation("Connect-Protocol-Version", "1");
        request.Headers.TryAddWithoutValidation("Connect-Timeout-Ms", ((long)options.RemoteTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        foreach (var (name, value) in options.Headers)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return PushOutcome.Success;
            }
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var code = ErrorCode(body) ?? CodeOf(response.StatusCode);
            var error = $"HTTP {(int)response.StatusCode} ({code}): {Truncate(body)}";
            return RetriedCodes.Contains(code) ? PushOutcome.Retry(error) : PushOutcome.Refused(error);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return PushOutcome.Retry($"context deadline exceeded (remote_timeout {options.RemoteTimeout.TotalSeconds}s)");
        }
        catch (HttpRequestException e)
        {
            // Connection refused, reset, DNS: connect reports these as unavailable, which is retried.
            return PushOutcome.Retry(e.InnerException?.Message ?? e.Message);
        }
    }

    /// <summary>The connect spec's mapping for a response without a connect error body.</summary>
    public static string CodeOf(HttpStatusCode status) => (int)status switch
    {
        400 => "internal",
        401 => "unauthenticated",
        403 => "permission_denied",
        404 => "unimplemented",
        429 or 502 or 503 or 504 => "unavailable",
        _ => "unknown",
    };

    private static string? ErrorCode(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Truncate(string text) => text.Length > 256 ? text[..256] + "…" : text;

    public void Dispose() => _http.Dispose();
}
