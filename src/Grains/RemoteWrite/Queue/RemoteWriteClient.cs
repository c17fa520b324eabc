using System.Net.Http.Headers;
using System.Net.Security;
using System.Net;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using AlloyOrleans.Grains.RemoteWrite.Wal;

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
        _http = new HttpClient(CreateHandler(options)) { Timeout = Timeout.InfiniteTimeSpan };
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
        request.Headers.Authorization = _options.Authorization;
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

    private static SocketsHttpHandler CreateHandler(RemoteWriteEndpointOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.RemoteTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = true,
            UseProxy = options.ProxyUrl is not null,
            Proxy = options.ProxyUrl is { } proxy ? new WebProxy(proxy) : null,
        };
        if (options.Tls is { } tls)
        {
            handler.SslOptions = CreateSslOptions(tls);
        }
        return handler;
    }

    private static SslClientAuthenticationOptions CreateSslOptions(RemoteWriteTlsOptions tls)
    {
        var ssl = new SslClientAuthenticationOptions();
        if (tls.CertFile is { Length: > 0 } certFile && tls.KeyFile is { Length: > 0 } keyFile)
        {
            ssl.ClientCertificates = [X509Certificate2.CreateFromPemFile(certFile, keyFile)];
        }
        if (tls.InsecureSkipVerify)
        {
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
            return ssl;
        }
        // Like Prometheus (Go's TLS): trust exactly the configured CAs when given, and ask for no revocation lists.
        var policy = new X509ChainPolicy { RevocationMode = X509RevocationMode.NoCheck };
        if (tls.CaFile is { Length: > 0 } caFile)
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(caFile);
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(authorities);
        }
        if (tls.ServerName is { Length: > 0 } serverName)
        {
            // The HTTP handler checks names against the URL's host; server_name replaces it, so check it here.
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, _) => IsTrusted(certificate, policy, serverName);
        }
        else
        {
            ssl.CertificateChainPolicy = policy;
        }
        return ssl;
    }

    private static bool IsTrusted(X509Certificate? certificate, X509ChainPolicy policy, string serverName)
    {
        if (certificate is null)
        {
            return false;
        }
        using var owned = certificate as X509Certificate2 is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        var leaf = owned ?? (X509Certificate2)certificate;
        using var chain = new X509Chain { ChainPolicy = policy.Clone() };
        return chain.Build(leaf) && leaf.MatchesHostname(serverName);
    }

    public void Dispose() => _http.Dispose();
}
