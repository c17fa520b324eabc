using System.Net.Http.Headers;
using System.Text;

namespace AlloyOrleans.Grains.Http;

/// <summary>
/// Sets what every request of a client carries: the Authorization header (secret files read per request, OAuth2
/// tokens cached) and the HTTP version (HTTP/2 offered unless enable_http2 is false).
/// </summary>
internal sealed class ClientSettingsHandler : DelegatingHandler
{
    private readonly HttpClientSettings _settings;
    private readonly OAuth2TokenSource? _oauth2;

    public ClientSettingsHandler(HttpClientSettings settings, HttpMessageHandler inner)
        : this(settings) => InnerHandler = inner;

    public ClientSettingsHandler(HttpClientSettings settings)
    {
        _settings = settings;
        _oauth2 = settings.Authentication is OAuth2Authentication oauth2 ? new OAuth2TokenSource(oauth2) : null;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_settings.EnableHttp2)
        {
            request.Version = System.Net.HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        }
        else
        {
            request.Version = System.Net.HttpVersion.Version11;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
        request.Headers.Authorization ??= _settings.Authentication switch
        {
            AuthorizationHeaderAuthentication a => new AuthenticationHeaderValue(
                a.Type.Length > 0 ? a.Type : "Bearer", a.CredentialsFile is { } file ? SecretFile.Read(file) : a.Credentials),
            BasicAuthentication b => new AuthenticationHeaderValue("Basic", Convert.ToBase64String(
                Encoding.UTF8.GetBytes($"{b.Username}:{(b.PasswordFile is { } file ? SecretFile.Read(file) : b.Password)}"))),
            OAuth2Authentication => new AuthenticationHeaderValue("Bearer", await _oauth2!.TokenAsync(cancellationToken).ConfigureAwait(false)),
            _ => UserInfo(request.RequestUri),
        };
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>As Go's client does: user-info in the URL is basic authentication when nothing else is configured.</summary>
    private static AuthenticationHeaderValue? UserInfo(Uri? url) =>
        url is { IsAbsoluteUri: true, UserInfo.Length: > 0 }
            ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(url.UserInfo))))
            : null;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _oauth2?.Dispose();
        }
        base.Dispose(disposing);
    }
}
