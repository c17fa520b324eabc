using AlloyOrleans.Grains.Components;

namespace AlloyOrleans.Silo.Configuration.Modules.Imports;

/// <summary><c>import.http</c>: a module fetched from a URL every poll_frequency, each request bounded by poll_timeout.</summary>
[AlloyComponent(ModuleBlocks.ImportHttp, typeof(ImportHttpArguments), typeof(ImportExports))]
public sealed class ImportHttpComponent(IComponentHost host) : ImportComponent<ImportHttpArguments>(host)
{
    private readonly HttpClient _client = new() { Timeout = Timeout.InfiniteTimeSpan };

    protected override async Task<IReadOnlyDictionary<string, string>> FetchAsync(ImportHttpArguments arguments, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(arguments.PollTimeout);
        using var request = new HttpRequestMessage(new HttpMethod(arguments.Method), arguments.Url);
        foreach (var (name, value) in arguments.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        try
        {
            using var response = await _client.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"GET {arguments.Url}: {(int)response.StatusCode} {response.ReasonPhrase}");
            }
            return new Dictionary<string, string> { [arguments.Url] = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false) };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{arguments.Url}: no answer within poll_timeout {arguments.PollTimeout}");
        }
    }

    protected override TimeSpan PollFrequency(ImportHttpArguments arguments) => arguments.PollFrequency;

    protected override void OnStopped() => _client.Dispose();
}
