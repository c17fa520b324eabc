using Xunit;
using AlloyOrleans.Grains.Components.Prometheus.Scrape;
using AlloyOrleans.Grains.Http;
using AlloyOrleans.Grains.Scrape;
using AlloyOrleans.Silo.Configuration;
using AlloyOrleans.Tests.Infrastructure;

namespace AlloyOrleans.Tests.Configuration;

public sealed class ScrapeArgumentsTests
{
    internal static ScrapeArguments Decode(string body)
    {
        var source = $"testing.receiver \"sink\" {{ }}\n\nprometheus.scrape \"web\" {{\n\ttargets    = [{{\"__address__\" = \"127.0.0.1:9100\"}}]\n\tforward_to = [testing.receiver.sink.receiver]\n{body}}}\n";
        var loaded = TestConfigurations.Load(source);
        var scrape = loaded.Components.Single(c => c.Id == "prometheus.scrape.web");
        var receiver = ValueEncoder.EncodeObject(new ReceiverExports { Receiver = new RecordingSink() }, typeof(ReceiverExports));
        var scope = ExportScope.Build(TestConfigurations.Library, [new("testing.receiver.sink", receiver)]);
        return (ScrapeArguments)BlockDecoder.Decode(EvaluatedBlock.Evaluate(scrape.Block, scope), typeof(ScrapeArguments));
    }

    [Fact]
    public async Task Defaults_follow_Alloy()
    {
        var job = await ScrapeComponent.ToJobAsync("prometheus.scrape.web", Decode(""), CancellationToken.None);

        Assert.Equal("prometheus.scrape.web", job.JobName);
        Assert.Equal(TimeSpan.FromMinutes(1), job.Interval);
        Assert.Equal(TimeSpan.FromSeconds(10), job.Timeout);
        Assert.Equal("/metrics", job.MetricsPath);
        Assert.Equal("http", job.Scheme);
        Assert.False(job.HonorLabels);
        Assert.True(job.HonorTimestamps);
        Assert.Equal(0, job.SampleLimit);
        Assert.Equal(0, job.BodySizeLimitBytes);
        Assert.True(job.EnableCompression);
        Assert.False(job.ClusteringEnabled);
        Assert.Null(job.MetricRelabel);
        Assert.Equal(HttpClientSettings.Default, job.Http);
        Assert.IsType<RecordingSink>(Assert.Single(job.ForwardTo));
    }

    [Fact]
    public void Arguments_supported_only_at_their_default_are_accepted_there()
    {
        var args = Decode("\tfollow_redirects = true\n\tenable_http2 = true\n\textra_metrics = false\n\ttarget_limit = 0\n\tproxy_url = \"\"\n");
        Assert.True(args.FollowRedirects);
    }

    [Fact]
    public async Task Every_argument_reaches_the_scrape_job()
    {
        var passwordFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(passwordFile, "s3cret\n");
        try
        {
            var args = Decode($$"""
                	job_name           = "node"
                	params             = {"module" = ["http_2xx", "tcp"]}
                	scrape_interval    = "30s"
                	scrape_timeout     = "5s"
                	metrics_path       = "/probe"
                	scheme             = "https"
                	honor_labels       = true
                	honor_timestamps   = false
                	sample_limit       = 5000
                	body_size_limit    = "10MiB"
                	enable_compression = false

                	basic_auth {
                		username      = "scraper"
                		password_file = "{{passwordFile}}"
                	}

                	tls_config {
                		ca_file              = "/etc/ca.pem"
                		cert_file            = "/etc/cert.pem"
                		key_file             = "/etc/key.pem"
                		server_name          = "node.local"
                		insecure_skip_verify = true
                	}

                	clustering {
                		enabled = true
                	}

                """);

            var job = await ScrapeComponent.ToJobAsync("prometheus.scrape.web", args, CancellationToken.None);

            Assert.Equal("node", job.JobName);
            Assert.Equal(["http_2xx", "tcp"], job.Params["module"]);
            Assert.Equal(TimeSpan.FromSeconds(30), job.Interval);
            Assert.Equal(TimeSpan.FromSeconds(5), job.Timeout);
            Assert.Equal("/probe", job.MetricsPath);
            Assert.Equal("https", job.Scheme);
            Assert.True(job.HonorLabels);
            Assert.False(job.HonorTimestamps);
            Assert.Equal(5000, job.SampleLimit);
            Assert.Equal(10L * 1024 * 1024, job.BodySizeLimitBytes);
            Assert.False(job.EnableCompression);
            Assert.True(job.ClusteringEnabled);
            // The password file is read per request (a rotated secret needs no reload).
            Assert.Equal(new BasicAuthentication("scraper", null, passwordFile), job.Http.Authentication);
            Assert.Equal(new TlsSettings { CaFile = "/etc/ca.pem", CertFile = "/etc/cert.pem", KeyFile = "/etc/key.pem", ServerName = "node.local", InsecureSkipVerify = true },
                job.Http.Tls);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("512", 512)]
    [InlineData("1KB", 1024)]
    [InlineData("1KiB", 1024)]
    [InlineData("100MB", 100L << 20)]
    [InlineData("2GiB", 2L << 30)]
    public void Body_size_limits_read_as_Prometheus_reads_them(string text, long bytes)
    {
        Assert.Equal(bytes, ByteSize.Parse(text));
    }

    [Fact]
    public async Task Bearer_token_and_authorization_map_to_the_http_settings()
    {
        var bearer = await ScrapeComponent.ToJobAsync("c", Decode("\tbearer_token = \"abc\"\n"), CancellationToken.None);
        Assert.Equal(new AuthorizationHeaderAuthentication("Bearer", "abc", null), bearer.Http.Authentication);

        var authorization = await ScrapeComponent.ToJobAsync("c", Decode("\n\tauthorization {\n\t\ttype        = \"Token\"\n\t\tcredentials = \"xyz\"\n\t}\n"), CancellationToken.None);
        Assert.Equal(new AuthorizationHeaderAuthentication("Token", "xyz", null), authorization.Http.Authentication);
    }

    [Theory]
    [InlineData("\tscheme = \"ftp\"\n", "scheme", "must be \"http\" or \"https\", got \"ftp\"")]
    [InlineData("\tmetrics_path = \"metrics\"\n", "metrics_path", "must start with /")]
    [InlineData("\tsample_limit = -1\n", "sample_limit", "must not be negative")]
    [InlineData("\tlabel_value_length_limit = -1\n", "label_value_length_limit", "must not be negative")]
    [InlineData("\tscrape_interval = \"0s\"\n", "scrape_interval", "must be greater than 0")]
    [InlineData("\ttarget_limit = 10\n", "target_limit", "only the default value is supported by alloy-orleans")]
    [InlineData("\n\tclustering {\n\t\tenabled = true\n\t\tbalance = \"cpu\"\n\t}\n", "balance", "must be \"targets\" or \"samples\", got \"cpu\"")]
    [InlineData("\n\tauthorization {\n\t\ttype = \"Basic\"\n\t}\n", "authorization", "authorization type cannot be set to \"basic\", use \"basic_auth\" instead")]
    public void Invalid_arguments_name_the_attribute(string body, string attribute, string message)
    {
        var error = Assert.ThrowsAny<ConfigurationException>(() => Decode(body));
        Assert.Equal($"\"{attribute}\": {message}", error.Detail);
    }

    [Theory]
    [InlineData("", ScrapeBalance.Targets)]
    [InlineData("\t\tbalance = \"targets\"\n", ScrapeBalance.Targets)]
    [InlineData("\t\tbalance = \"samples\"\n", ScrapeBalance.Samples)]
    public async Task Clustering_balance_is_our_extension_and_defaults_to_the_plain_ring(string balance, ScrapeBalance expected)
    {
        var job = await ScrapeComponent.ToJobAsync("c", Decode($"\n\tclustering {{\n\t\tenabled = true\n{balance}\t}}\n"), CancellationToken.None);

        Assert.True(job.ClusteringEnabled);
        Assert.Equal(expected, job.Balance);
    }
}
