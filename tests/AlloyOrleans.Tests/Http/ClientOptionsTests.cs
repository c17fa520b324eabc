using System.Net;
using System.Net.Sockets;
using AlloyOrleans.Grains.Http;
using Xunit;

namespace AlloyOrleans.Tests.Http;

/// <summary>proxy_url, no_proxy, oauth2, follow_redirects and secret files, the same for every HTTP user.</summary>
public sealed class ClientOptionsTests : IAsyncLifetime
{
    private HttpTestServer _server = null!;

    public async Task InitializeAsync() => _server = await HttpTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(HttpUsers.All), MemberType = typeof(HttpUsers))]
    public async Task Proxy_url_sends_requests_for_any_host_through_the_proxy(HttpUser user)
    {
        // The test server answers as the proxy: a host that does not resolve is reachable only through it.
        var settings = new HttpClientSettings { Proxy = new ProxySettings { Url = _server.BaseUrl } };
        Assert.Null(await HttpUsers.FetchAsync(user, new Uri("http://target.proxy.invalid:9100"), settings));
        Assert.Equal("target.proxy.invalid:9100", Assert.Single(_server.Requests).Host);
    }

    [Theory]
    [MemberData(nameof(HttpUsers.All), MemberType = typeof(HttpUsers))]
    public async Task No_proxy_hosts_are_reached_directly(HttpUser user)
    {
        var settings = new HttpClientSettings { Proxy = new ProxySettings { Url = new Uri($"http://127.0.0.1:{ClosedPort()}"), NoProxy = "example.com, 127.0.0.0/8" } };
        Assert.Null(await HttpUsers.FetchAsync(user, _server.BaseUrl, settings));

        var proxied = settings with { Proxy = settings.Proxy with { NoProxy = "example.com" } };
        Assert.NotNull(await HttpUsers.FetchAsync(user, _server.BaseUrl, proxied));
    }

    [Theory]
    [MemberData(nameof(HttpUsers.All), MemberType = typeof(HttpUsers))]
    public async Task Oauth2_fetches_a_client_credentials_token_once_and_sends_it(HttpUser user)
    {
        var settings = new HttpClientSettings
        {
            Authentication = new OAuth2Authentication
            {
                ClientId = HttpTestServer.OAuthClientId, ClientSecret = HttpTestServer.OAuthClientSecret,
                TokenUrl = new Uri(_server.BaseUrl, "/token"), Scopes = "metrics read",
            },
        };
        _server.RequiredAuthorization = "Bearer none-yet";

        Assert.Null(await HttpUsers.FetchAsync(user, _server.BaseUrl, settings));

        Assert.Equal(1, _server.TokensIssued);
        Assert.Equal("Bearer token-1", _server.Requests.Last().Authorization);
    }

    [Fact]
    public async Task An_oauth2_token_is_reused_until_it_expires()
    {
        var settings = new HttpClientSettings
        {
            Authentication = new OAuth2Authentication
            {
                ClientId = HttpTestServer.OAuthClientId, ClientSecret = HttpTestServer.OAuthClientSecret,
                TokenUrl = new Uri(_server.BaseUrl, "/token"), Scopes = "metrics read",
            },
        };
        using var client = new HttpClient(HttpHandlerFactory.Create(settings));
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync(new Uri(_server.BaseUrl, "/metrics"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(1, _server.TokensIssued);
    }

    [Fact]
    public async Task Wrong_oauth2_client_credentials_fail_the_request_with_the_token_endpoint_answer()
    {
        var settings = new HttpClientSettings
        {
            Authentication = new OAuth2Authentication { ClientId = "intruder", ClientSecret = "guess", TokenUrl = new Uri(_server.BaseUrl, "/token"), Scopes = "metrics read" },
        };
        var error = await HttpUsers.FetchAsync(HttpUser.Scrape, _server.BaseUrl, settings);
        Assert.Contains("invalid_client", error);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Follow_redirects_decides_whether_a_redirect_is_followed(bool follow)
    {
        var error = await HttpUsers.FetchAsync(HttpUser.Scrape, _server.BaseUrl, new HttpClientSettings { FollowRedirects = follow }, "/redirect");
        if (follow)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Contains("302", error);
        }
    }

    [Theory]
    [MemberData(nameof(HttpUsers.All), MemberType = typeof(HttpUsers))]
    public async Task A_bearer_token_file_is_read_per_request_so_a_rotated_token_needs_no_reload(HttpUser user)
    {
        var file = Path.GetTempFileName();
        try
        {
            var settings = new HttpClientSettings { Authentication = new AuthorizationHeaderAuthentication("Bearer", null, file) };
            await File.WriteAllTextAsync(file, "first\n");
            _server.RequiredAuthorization = "Bearer first";
            Assert.Null(await HttpUsers.FetchAsync(user, _server.BaseUrl, settings));

            await File.WriteAllTextAsync(file, "second\n");
            _server.RequiredAuthorization = "Bearer second";
            Assert.Null(await HttpUsers.FetchAsync(user, _server.BaseUrl, settings));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task User_info_in_the_url_is_basic_authentication_when_nothing_else_is_set()
    {
        _server.RequiredAuthorization = "Basic " + Convert.ToBase64String("sd:p@ss"u8.ToArray());
        var url = new UriBuilder(_server.BaseUrl) { UserName = "sd", Password = "p%40ss" }.Uri;
        Assert.Null(await HttpUsers.FetchAsync(HttpUser.Discovery, url, HttpClientSettings.Default));
    }

    [Theory]
    [InlineData("*", "http://anything:1", true)]
    [InlineData("example.com", "http://api.example.com:80", true)]
    [InlineData(".example.com", "http://example.com", true)]
    [InlineData("example.com", "http://notexample.com", false)]
    [InlineData("10.0.0.0/8", "http://10.1.2.3:9100", true)]
    [InlineData("10.0.0.0/8", "http://11.1.2.3:9100", false)]
    [InlineData("192.168.1.1", "http://192.168.1.1:8080", true)]
    [InlineData("192.168.1.1:9090", "http://192.168.1.1:8080", false)]
    [InlineData("[::1]", "http://[::1]:8080", true)]
    public void No_proxy_entries_match_as_in_Go(string noProxy, string url, bool direct)
    {
        Assert.Equal(direct, NoProxyList.Parse(noProxy).Matches(new Uri(url)));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
