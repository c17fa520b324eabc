using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AlloyOrleans.Grains.Http;

/// <summary>
/// OAuth2 client-credentials tokens (RFC 6749 §4.4) for one client: fetched on first use, cached until ten seconds
/// before <c>expires_in</c> (as Go's oauth2 does), fetched once at a time however many requests wait.
/// </summary>
internal sealed class OAuth2TokenSource : IDisposable
{
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan TokenRequestTimeout = TimeSpan.FromSeconds(30);

    private readonly OAuth2Authentication _settings;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _expires;

    public OAuth2TokenSource(OAuth2Authentication settings, TimeProvider? time = null)
    {
        _settings = settings;
        _time = time ?? TimeProvider.System;
        // The token endpoint gets its own TLS and proxy, and no authentication of the client being authenticated.
        _http = new HttpClient(HttpHandlerFactory.Create(new HttpClientSettings { Tls = settings.Tls, Proxy = settings.Proxy }))
        {
            Timeout = TokenRequestTimeout,
        };
    }

    public async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        if (Valid() is { } token)
        {
            return token;
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Valid() ?? await FetchAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private string? Valid() => _token is { } token && _time.GetUtcNow() < _expires ? token : null;

    private async Task<string> FetchAsync(CancellationToken cancellationToken)
    {
        var secret = _settings.ClientSecretFile is { } file ? SecretFile.Read(file) : _settings.ClientSecret ?? "";
        var form = new StringBuilder("grant_type=client_credentials");
        if (_settings.Scopes.Length > 0)
        {
            form.Append("&scope=").Append(Uri.EscapeDataString(_settings.Scopes));
        }
        if (_settings.EndpointParams.Length > 0)
        {
            form.Append('&').Append(_settings.EndpointParams);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, _settings.TokenUrl)
        {
            Content = new StringContent(form.ToString(), Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        // RFC 6749 §2.3.1: client id and secret form-encoded, then as HTTP basic credentials.
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(
            Encoding.UTF8.GetBytes(Uri.EscapeDataString(_settings.ClientId) + ":" + Uri.EscapeDataString(secret))));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"oauth2: cannot fetch token from {_settings.TokenUrl}: HTTP {(int)response.StatusCode}: {Shorten(body)}");
        }
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var token = root.TryGetProperty("access_token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (string.IsNullOrEmpty(token))
            {
                throw new HttpRequestException($"oauth2: the token response of {_settings.TokenUrl} has no access_token");
            }
            _expires = root.TryGetProperty("expires_in", out var e) && e.TryGetInt64(out var seconds) && seconds > 0
                ? _time.GetUtcNow() + TimeSpan.FromSeconds(seconds) - ExpiryMargin
                : DateTimeOffset.MaxValue;
            _token = token;
            return token;
        }
        catch (JsonException e)
        {
            throw new HttpRequestException($"oauth2: the token response of {_settings.TokenUrl} is not JSON: {e.Message}", e);
        }
    }

    private static string Shorten(string text) => text.Length > 256 ? text[..256] : text;

    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }
}
