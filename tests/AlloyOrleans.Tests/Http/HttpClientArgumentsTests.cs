using AlloyOrleans.Grains.Components.Common.Http;
using AlloyOrleans.Grains.Components.Discovery.Http;
using AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;
using AlloyOrleans.Grains.Components.Prometheus.Scrape;
using AlloyOrleans.Grains.Http;
using AlloyOrleans.Silo.Configuration;
using AlloyOrleans.Tests.Configuration;
using Xunit;

namespace AlloyOrleans.Tests.Http;

/// <summary>One HTTP client block: the same attributes and rules in prometheus.scrape, discovery.http and remote_write's endpoint.</summary>
public sealed class HttpClientArgumentsTests
{
    private const string Block = """
        	proxy_url = "http://proxy.internal:3128"
        	no_proxy  = "10.0.0.0/8,.cluster.local"
        	follow_redirects = false
        	enable_http2     = false

        	oauth2 {
        		client_id          = "alloy"
        		client_secret_file = "/var/run/secret"
        		token_url          = "https://auth.example.com/token"
        		scopes             = ["metrics", "read"]
        		endpoint_params    = {"audience" = "mimir"}
        	}

        	tls_config {
        		ca_file     = "/etc/ca.pem"
        		server_name = "mimir.internal"
        	}

        """;

    private static readonly HttpClientSettings Expected = new()
    {
        Authentication = new OAuth2Authentication
        {
            ClientId = "alloy", ClientSecretFile = "/var/run/secret", TokenUrl = new Uri("https://auth.example.com/token"),
            Scopes = "metrics read", EndpointParams = "audience=mimir",
        },
        Tls = new TlsSettings { CaFile = "/etc/ca.pem", ServerName = "mimir.internal" },
        Proxy = new ProxySettings { Url = new Uri("http://proxy.internal:3128"), NoProxy = "10.0.0.0/8,.cluster.local" },
        FollowRedirects = false,
        EnableHttp2 = false,
    };

    private static T Decode<T>(string source, string id)
    {
        var loaded = TestConfigurations.Load(source);
        var component = loaded.Components.Single(c => c.Id == id);
        var scope = ExportScope.Build(TestConfigurations.Library, []);
        return (T)BlockDecoder.Decode(EvaluatedBlock.Evaluate(component.Block, scope), typeof(T));
    }

    private static DiscoveryHttpArguments DiscoveryHttp(string body) =>
        Decode<DiscoveryHttpArguments>($"discovery.http \"sd\" {{\n\turl = \"http://sd.internal/targets\"\n{body}}}\n", "discovery.http.sd");

    [Fact]
    public void Every_user_reads_the_same_block_into_the_same_settings()
    {
        var scrape = ScrapeArgumentsTests.Decode(Block);
        var discovery = DiscoveryHttp(Block);
        var remoteWrite = Decode<RemoteWriteArguments>(
            $"prometheus.remote_write \"rw\" {{\n\tendpoint {{\n\t\turl = \"https://mimir.internal/api/v1/push\"\n{Block.Replace("\n\t", "\n\t\t")}\t}}\n}}\n",
            "prometheus.remote_write.rw");

        Assert.Equal(Expected, scrape.ToSettings());
        Assert.Equal(Expected, discovery.ToSettings());
        Assert.Equal(Expected, Assert.Single(remoteWrite.Endpoints).ToSettings());
    }

    [Theory]
    [InlineData("\tbearer_token = \"a\"\n\n\tbasic_auth {\n\t\tusername = \"u\"\n\t}\n", "basic_auth", "at most one of bearer_token, basic_auth may be set")]
    [InlineData("\tproxy_url = \"http://p:1\"\n\tproxy_from_environment = true\n", "proxy_from_environment", "if proxy_from_environment is configured, proxy_url must not be configured")]
    [InlineData("\tno_proxy = \"10.0.0.0/8\"\n", "no_proxy", "if no_proxy is configured, proxy_url must also be configured")]
    [InlineData("\tproxy_url = \"ftp://p:1\"\n", "proxy_url", "\"ftp://p:1/\" is not an absolute http, https or socks5 URL")]
    [InlineData("\n\ttls_config {\n\t\tcert_file = \"/c.pem\"\n\t}\n", "cert_file", "exactly one of key_file or key_pem must be configured when a client certificate is configured")]
    [InlineData("\n\ttls_config {\n\t\tca_file = \"/ca.pem\"\n\t\tca_pem  = \"x\"\n\t}\n", "ca_pem", "at most one of ca_file and ca_pem must be configured")]
    [InlineData("\n\toauth2 {\n\t\tclient_id = \"a\"\n\t\ttoken_url = \"token\"\n\t}\n", "token_url", "\"token\" is not an absolute http or https URL")]
    public void Invalid_client_blocks_name_the_attribute(string body, string attribute, string message)
    {
        var scrape = Assert.ThrowsAny<ConfigurationException>(() => ScrapeArgumentsTests.Decode(body));
        var discovery = Assert.ThrowsAny<ConfigurationException>(() => DiscoveryHttp(body));
        Assert.Equal($"\"{attribute}\": {message}", scrape.Detail);
        Assert.Equal(scrape.Detail, discovery.Detail);
    }

    [Fact]
    public void Proxy_from_environment_uses_the_environment_proxy()
    {
        var settings = DiscoveryHttp("\tproxy_from_environment = true\n").ToSettings();
        Assert.Equal(new ProxySettings { FromEnvironment = true }, settings.Proxy);
        using var handler = new SocketsHttpHandler();
        HttpHandlerFactory.Configure(handler, settings);
        // No proxy of its own: SocketsHttpHandler then uses HttpClient.DefaultProxy (HTTP_PROXY, HTTPS_PROXY, NO_PROXY).
        Assert.True(handler.UseProxy);
        Assert.Null(handler.Proxy);
    }

    [Fact]
    public void Without_proxy_settings_no_proxy_is_used_even_when_the_environment_names_one()
    {
        using var handler = new SocketsHttpHandler();
        HttpHandlerFactory.Configure(handler, DiscoveryHttp("").ToSettings());
        Assert.False(handler.UseProxy);
    }
}
