using System.Net;
using System.Security.Cryptography.X509Certificates;
using AlloyOrleans.Silo.Configuration;
using AlloyOrleans.Silo.Hosting;
using AlloyOrleans.Tests.Configuration;
using AlloyOrleans.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;

namespace AlloyOrleans.Tests.Secure;

/// <summary>
/// Alloy's <c>http { tls { ... } }</c> on the HTTP server: HTTPS with the configured certificate and, with
/// RequireAndVerifyClientCert, only clients holding a certificate of <c>client_ca_file</c> (mTLS).
/// </summary>
public sealed class HttpServerTlsTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("http-server-tls-").FullName;
    private TestCertificates _ca = null!;
    private TestCertificates _stranger = null!;

    public Task InitializeAsync()
    {
        _ca = new TestCertificates(Path.Combine(_directory, "ca"), "http-ca");
        _stranger = new TestCertificates(Path.Combine(_directory, "other"), "other-ca");
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _ca.Dispose();
        _stranger.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<(WebApplication App, Uri Url)> StartAsync(string clientAuth, bool clientCa)
    {
        var (cert, key) = _ca.Issue("server", "localhost");
        var tls = new HttpServerTlsSettings
        {
            CertFile = cert, KeyFile = key, ClientAuth = clientAuth, ClientCaFile = clientCa ? _ca.AuthorityPath : "",
        };
        tls.Validate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = SiloProcess.FreePort();
        builder.WebHost.UseUrls(HttpServerTls.Configure(builder.WebHost, tls, $"127.0.0.1:{port}"));
        var app = builder.Build();
        app.MapGet("/-/ready", () => Results.Text("ready"));
        await app.StartAsync();
        return (app, new Uri($"https://localhost:{port}/-/ready"));
    }

    private async Task<HttpStatusCode?> GetAsync(Uri url, TestCertificates? clientIssuer)
    {
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificateFromFile(_ca.AuthorityPath));
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is not null && chain.Build(new X509Certificate2(certificate));
        };
        if (clientIssuer is not null)
        {
            var (cert, key) = clientIssuer.Issue("client-" + Guid.NewGuid().ToString("N")[..6], "operator");
            using var pem = X509Certificate2.CreateFromPemFile(cert, key);
            handler.SslOptions.ClientCertificates = [X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null)];
        }
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await client.GetAsync(url);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    [Fact]
    public async Task Require_and_verify_admits_only_clients_with_a_certificate_of_the_client_CA()
    {
        var (app, url) = await StartAsync("RequireAndVerifyClientCert", clientCa: true);
        await using var _ = app;

        Assert.Equal(HttpStatusCode.OK, await GetAsync(url, _ca));
        Assert.Null(await GetAsync(url, clientIssuer: null));
        Assert.Null(await GetAsync(url, _stranger));
        Assert.Null(await GetAsync(new UriBuilder(url) { Scheme = "http" }.Uri, _ca));
    }

    [Fact]
    public async Task Without_client_authentication_any_client_gets_https()
    {
        var (app, url) = await StartAsync("NoClientCert", clientCa: false);
        await using var _ = app;

        Assert.Equal(HttpStatusCode.OK, await GetAsync(url, clientIssuer: null));
    }

    [Fact]
    public void The_http_block_is_read_from_the_configuration()
    {
        var loaded = TestConfigurations.Load("http {\n\ttls {\n\t\tcert_file        = \"/s.crt\"\n\t\tkey_file         = \"/s.key\"\n\t\tclient_ca_file   = \"/ca.crt\"\n\t\tclient_auth_type = \"RequireAndVerifyClientCert\"\n\t}\n}\n");
        var tls = loaded.HttpServer.Tls!;
        Assert.Equal("/s.crt", tls.CertFile);
        Assert.Equal(HttpServerTlsSettings.ClientAuthType.RequireAndVerifyClientCert, tls.ParsedClientAuth);
    }

    [Theory]
    [InlineData("\t\tclient_auth_type = \"RequireAndVerifyClientCert\"\n", "\"client_ca_file\": client_auth_type \"RequireAndVerifyClientCert\" needs client_ca_file")]
    [InlineData("\t\tclient_auth_type = \"Sometimes\"\n", "\"client_auth_type\": unknown client_auth_type \"Sometimes\"")]
    public void Invalid_tls_blocks_name_the_attribute(string attributes, string message)
    {
        var error = Assert.ThrowsAny<ConfigurationException>(() => TestConfigurations.Load(
            "http {\n\ttls {\n\t\tcert_file = \"/s.crt\"\n\t\tkey_file  = \"/s.key\"\n" + attributes + "\t}\n}\n"));
        Assert.StartsWith(message, error.Detail);
    }
}
