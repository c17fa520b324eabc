using AlloyOrleans.Grains.Http;
using Xunit;

namespace AlloyOrleans.Tests.Http;

/// <summary>
/// tls_config alike for scrape, discovery and remote_write (they once disagreed: remote_write connected where scrape
/// and discovery.http rejected the same private CA and server_name). The server's certificate is for a name other than
/// 127.0.0.1 and it requires a client certificate of its CA.
/// </summary>
public sealed class ClientTlsTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "client-tls-" + Guid.NewGuid().ToString("N"));
    private HttpTestServer _server = null!;

    public async Task InitializeAsync() => _server = await HttpTestServer.StartTlsAsync(_directory);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private HttpClientSettings Tls(bool ca = true, string? serverName = HttpTestServer.ServerName, bool clientCertificate = true, bool skipVerify = false) => new()
    {
        Tls = new TlsSettings
        {
            CaFile = ca ? _server.CaFile : null,
            ServerName = serverName,
            CertFile = clientCertificate ? _server.ClientCertFile : null,
            KeyFile = clientCertificate ? _server.ClientKeyFile : null,
            InsecureSkipVerify = skipVerify,
        },
    };

    [Theory]
    [MemberData(nameof(HttpUsers.All), MemberType = typeof(HttpUsers))]
    public async Task A_private_CA_server_name_and_client_certificate_connect(HttpUser user)
    {
        Assert.Null(await HttpUsers.FetchAsync(user, _server.BaseUrl, Tls()));
        Assert.All(_server.Requests, r => Assert.Equal("CN=http-test-client", r.ClientSubject));
    }

    [Theory]
    [MemberData(nameof(HttpUsers.All), MemberType = typeof(HttpUsers))]
    public async Task The_CA_certificate_and_key_may_be_given_as_PEM_text(HttpUser user)
    {
        var settings = new HttpClientSettings
        {
            Tls = new TlsSettings
            {
                CaPem = await File.ReadAllTextAsync(_server.CaFile), ServerName = HttpTestServer.ServerName,
                CertPem = await File.ReadAllTextAsync(_server.ClientCertFile), KeyPem = await File.ReadAllTextAsync(_server.ClientKeyFile),
            },
        };
        Assert.Null(await HttpUsers.FetchAsync(user, _server.BaseUrl, settings));
        Assert.All(_server.Requests, r => Assert.Equal("CN=http-test-client", r.ClientSubject));
    }

    [Theory]
    [MemberData(nameof(HttpUsers.All), MemberType = typeof(HttpUsers))]
    public async Task Without_server_name_the_address_does_not_match_the_certificate(HttpUser user)
    {
        Assert.NotNull(await HttpUsers.FetchAsync(user, _server.BaseUrl, Tls(serverName: null)));
        Assert.Empty(_server.Requests);
    }

    [Theory]
    [MemberData(nameof(HttpUsers.All), MemberType = typeof(HttpUsers))]
    public async Task A_server_name_the_certificate_does_not_carry_is_refused(HttpUser user)
    {
        Assert.NotNull(await HttpUsers.FetchAsync(user, _server.BaseUrl, Tls(serverName: "someone-else.http.test")));
        Assert.Empty(_server.Requests);
    }

    [Theory]
    [MemberData(nameof(HttpUsers.All), MemberType = typeof(HttpUsers))]
    public async Task Without_the_CA_the_private_certificate_is_untrusted(HttpUser user)
    {
        Assert.NotNull(await HttpUsers.FetchAsync(user, _server.BaseUrl, Tls(ca: false)));
        Assert.Empty(_server.Requests);
    }

    [Theory]
    [MemberData(nameof(HttpUsers.All), MemberType = typeof(HttpUsers))]
    public async Task Without_a_client_certificate_the_server_refuses(HttpUser user)
    {
        Assert.NotNull(await HttpUsers.FetchAsync(user, _server.BaseUrl, Tls(clientCertificate: false)));
        Assert.Empty(_server.Requests);
    }

    [Theory]
    [MemberData(nameof(HttpUsers.All), MemberType = typeof(HttpUsers))]
    public async Task Insecure_skip_verify_accepts_any_certificate(HttpUser user)
    {
        Assert.Null(await HttpUsers.FetchAsync(user, _server.BaseUrl, Tls(ca: false, serverName: null, skipVerify: true)));
    }

    [Theory]
    [MemberData(nameof(HttpUsers.All), MemberType = typeof(HttpUsers))]
    public async Task The_oauth2_token_endpoint_takes_its_own_tls_config(HttpUser user)
    {
        var tls = Tls();
        var oauth2 = new OAuth2Authentication
        {
            ClientId = HttpTestServer.OAuthClientId, ClientSecret = HttpTestServer.OAuthClientSecret, Scopes = "metrics read",
            TokenUrl = new Uri(_server.BaseUrl, "/token"), Tls = tls.Tls,
        };
        _server.RequiredAuthorization = "Bearer none-yet";

        Assert.NotNull(await HttpUsers.FetchAsync(user, _server.BaseUrl, tls with { Authentication = oauth2 with { Tls = null } }));
        Assert.Null(await HttpUsers.FetchAsync(user, _server.BaseUrl, tls with { Authentication = oauth2 }));
        Assert.Equal("Bearer token-1", _server.Requests.Last().Authorization);
    }

    [Theory]
    [InlineData(true, "HTTP/2")]
    [InlineData(false, "HTTP/1.1")]
    public async Task Enable_http2_decides_the_protocol(bool enableHttp2, string protocol)
    {
        foreach (var user in new[] { HttpUser.Scrape, HttpUser.Discovery, HttpUser.RemoteWrite })
        {
            Assert.Null(await HttpUsers.FetchAsync(user, _server.BaseUrl, Tls() with { EnableHttp2 = enableHttp2 }));
        }
        Assert.Equal(3, _server.Requests.Count);
        Assert.All(_server.Requests, r => Assert.Equal(protocol, r.Protocol));
    }
}
