using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Grains.Components.Common.Http;

/// <summary>
/// The shared HTTP client blocks of a scrape component (<c>prometheus.scrape</c>, <c>pyroscope.scrape</c>) as the
/// scrape core's <see cref="ScrapeHttpClientSettings"/>. Secret files are read now: a changed file needs a reload.
/// </summary>
public static class ScrapeHttpSettingsMapper
{
    public static async Task<ScrapeHttpClientSettings> ToSettingsAsync(
        string? bearerToken, string? bearerTokenFile, BasicAuthArguments? basicAuth, AuthorizationArguments? authorization,
        TlsConfigArguments? tls, CancellationToken cancellationToken) => new()
    {
        BearerToken = NullIfEmpty(bearerToken) ?? await ReadSecretAsync(bearerTokenFile, cancellationToken).ConfigureAwait(false),
        BasicAuthUsername = basicAuth?.Username,
        BasicAuthPassword = basicAuth is null
            ? null
            : NullIfEmpty(basicAuth.Password) ?? await ReadSecretAsync(basicAuth.PasswordFile, cancellationToken).ConfigureAwait(false),
        AuthorizationType = authorization?.Type,
        AuthorizationCredentials = authorization is null
            ? null
            : NullIfEmpty(authorization.Credentials) ?? await ReadSecretAsync(authorization.CredentialsFile, cancellationToken).ConfigureAwait(false),
        TlsCaFile = NullIfEmpty(tls?.CaFile),
        TlsCertFile = NullIfEmpty(tls?.CertFile),
        TlsKeyFile = NullIfEmpty(tls?.KeyFile),
        TlsServerName = NullIfEmpty(tls?.ServerName),
        TlsInsecureSkipVerify = tls?.InsecureSkipVerify ?? false,
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static async Task<string?> ReadSecretAsync(string? path, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(path) ? null : (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
}
