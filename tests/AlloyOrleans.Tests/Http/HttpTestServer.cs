using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using AlloyOrleans.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Tests.Http;

/// <summary>
/// A loopback server for what every HTTP user of the client stack fetches: <c>GET /metrics</c> (scrape),
/// <c>GET /sd</c> (discovery.http JSON), <c>POST /api/v1/write</c> (remote_write, 204), <c>GET /redirect</c> (302 to
/// /metrics) and <c>POST /token</c> (an OAuth2 token endpoint). With TLS it serves a certificate of a private CA for
/// <see cref="ServerName"/> only (so only server_name makes 127.0.0.1 match) and requires a client certificate of the
/// same CA. It records every request: protocol, Authorization, Host, client certificate subject.
/// </summary>
public sealed class HttpTestServer : IAsyncDisposable
{
    public const string ServerName = "target.http.test";
    public const string OAuthClientId = "scraper";
    public const string OAuthClientSecret = "s3cret";

    private readonly WebApplication _app;
    private int _tokens;

    private HttpTestServer(WebApplication app) => _app = app;

    public sealed record Request(string Method, string Path, string Protocol, string Host, string? Authorization, string? ClientSubject);

    public ConcurrentQueue<Request> Requests { get; } = new();

    /// <summary>Tokens the token endpoint handed out; targets accept the latest only.</summary>
    public int TokensIssued => _tokens;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>With TLS: the CA, a client certificate, and the PEM paths.</summary>
    public TestCertificates? Certificates { get; private init; }

    public string CaFile => Certificates!.AuthorityPath;

    public string ClientCertFile { get; private init; } = "";

    public string ClientKeyFile { get; private init; } = "";

    /// <summary>When set, /metrics, /sd and /api/v1/write answer 401 unless the request carries this Authorization.</summary>
    public string? RequiredAuthorization { get; set; }

    public static Task<HttpTestServer> StartAsync() => StartAsync(null);

    public static Task<HttpTestServer> StartTlsAsync(string directory) => StartAsync(directory);

    private static async Task<HttpTestServer> StartAsync(string? tlsDirectory)
    {
        var certificates = tlsDirectory is null ? null : new TestCertificates(tlsDirectory, "http-test");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        string clientCert = "", clientKey = "";
        if (certificates is not null)
        {
            var (serverCert, serverKey) = certificates.Issue("server", ServerName);
            (clientCert, clientKey) = certificates.Issue("client", "http-test-client");
            var server = X509Certificate2.CreateFromPemFile(serverCert, serverKey);
            using var authority = X509CertificateLoader.LoadCertificateFromFile(certificates.AuthorityPath);
            var authorityRaw = authority.RawData;
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
            {
                https.ServerCertificate = server;
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    chain.ChainPolicy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(authorityRaw));
                    return chain.Build(certificate);
                };
            })));
        }
        else
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        var app = builder.Build();
        var test = new HttpTestServer(app) { Certificates = certificates, ClientCertFile = clientCert, ClientKeyFile = clientKey };
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            test.Requests.Enqueue(new Request(request.Method, request.Path, request.Protocol, request.Host.Value ?? "",
                request.Headers.Authorization.FirstOrDefault(), context.Connection.ClientCertificate?.Subject));
            if (request.Path != "/token" && test.RequiredAuthorization is { } required && request.Headers.Authorization != required)
            {
                context.Response.StatusCode = 401;
                return;
            }
            await next(context);
        });
        app.MapGet("/metrics", () => Results.Text("tls_test_up 1\n", "text/plain; version=0.0.4"));
        app.MapGet("/sd", () => Results.Text("[{\"targets\": [\"discovered:9100\"], \"labels\": {\"env\": \"test\"}}]", "application/json"));
        app.MapPost("/api/v1/write", () => Results.NoContent());
        app.MapGet("/redirect", () => Results.Redirect("/metrics"));
        app.MapPost("/token", async context => await test.IssueTokenAsync(context));
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        test.BaseUrl = new UriBuilder(address) { Host = "127.0.0.1" }.Uri;
        return test;
    }

    /// <summary>The client-credentials grant: basic-authenticated client, a fresh token each time.</summary>
    private async Task IssueTokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var expected = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{OAuthClientId}:{OAuthClientSecret}"));
        if (context.Request.Headers.Authorization != expected || form["grant_type"] != "client_credentials" || form["scope"] != "metrics read")
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync("{\"error\": \"invalid_client\"}");
            return;
        }
        var token = "token-" + Interlocked.Increment(ref _tokens);
        RequiredAuthorization = "Bearer " + token;
        await context.Response.WriteAsJsonAsync(new { access_token = token, token_type = "Bearer", expires_in = 3600 });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Certificates?.Dispose();
    }
}
