using System.Net;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Tests.Infrastructure;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>
/// A remote write receiver on a loopback port that answers as the test scripts it and records every request it got,
/// decoded. It can be created before it listens, to play a receiver that is down.
/// </summary>
public sealed class LoopbackWriteReceiver : IAsyncDisposable
{
    private readonly Func<int, (int Status, string? RetryAfter)> _answer;
    private readonly List<ReceivedRequest> _requests = [];
    private HttpListener? _listener;
    private Task? _loop;
    private int _nextIndex;

    public sealed record ReceivedRequest(int Index, int Status, DateTime ReceivedUtc, IReadOnlyList<WriteRequestDecoder.DecodedSeries> Series, WebHeaderCollection Headers)
    {
        public IEnumerable<(string Series, long TimestampMs, double Value)> Samples =>
            Series.SelectMany(s => s.Samples.Select(p => (LabelSet.From(s.Labels).ToString(), p.TimestampMs, p.Value)));
    }

    /// <param name="answer">Status (and optional Retry-After) for the request with this zero-based index.</param>
    public LoopbackWriteReceiver(Func<int, (int Status, string? RetryAfter)>? answer = null)
    {
        _answer = answer ?? (_ => (204, null));
        Port = PrometheusReceiver.FreePort();
    }

    public int Port { get; }

    /// <summary>How long each answer takes, to play a slow receiver.</summary>
    public TimeSpan ResponseDelay { get; init; }

    public Uri Url => new($"http://127.0.0.1:{Port}/api/v1/write");

    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Every sample the receiver accepted (2xx answers).</summary>
    public IReadOnlyList<(string Series, long TimestampMs, double Value)> Accepted =>
        [.. Requests.Where(r => r.Status / 100 == 2).SelectMany(r => r.Samples)];

    public void Start()
    {
        _listener = new HttpListener();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    private async Task ServeAsync()
    {
        var listener = _listener!;
        var inFlight = new List<Task>();
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break;
            }
            // Concurrently, as a real receiver: a queue with several shards has several requests in flight.
            inFlight.Add(Task.Run(() => AnswerAsync(context)));
        }
        await Task.WhenAll(inFlight).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        int index;
        lock (_requests)
        {
            index = _nextIndex++;
        }
        var (status, retryAfter) = _answer(index);
        if (ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(ResponseDelay);
        }
        var series = WriteRequestDecoder.DecodeCompressed(body.ToArray());
        lock (_requests)
        {
            _requests.Add(new ReceivedRequest(index, status, DateTime.UtcNow, series, new WebHeaderCollection { context.Request.Headers }));
            _requests.Sort((a, b) => a.Index.CompareTo(b.Index));
        }
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers["Retry-After"] = retryAfter;
        }
        context.Response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        if (_listener is not null)
        {
            _listener.Close();
            if (_loop is not null)
            {
                await _loop;
            }
        }
    }
}
