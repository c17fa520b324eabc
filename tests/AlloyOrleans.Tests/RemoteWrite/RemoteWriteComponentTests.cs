using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components;
using AlloyOrleans.Grains.Components.Common.Http;
using AlloyOrleans.Grains.Components.Common.Relabel;
using AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>The prometheus.remote_write component as the configuration graph drives it.</summary>
public sealed class RemoteWriteComponentTests : IAsyncLifetime
{
    private readonly TestStorage _test = new();
    private readonly LoopbackWriteReceiver _receiver = new();
    private readonly Host _host;

    public RemoteWriteComponentTests() => _host = new Host(_test.Directory);

    private sealed class Host(string dataPath) : IComponentHost
    {
        public string ComponentId => "prometheus.remote_write.default";

        public string DataPath => dataPath;

        public ILogger Logger => NullLogger.Instance;

        public object? Exports { get; private set; }

        public void SetExports(object exports) => Exports = exports;
    }

    private RemoteWriteComponent Create() => new(_host);

    /// <summary>A component sending to the loopback receiver, its endpoint adjusted by <paramref name="endpoint"/>.</summary>
    private async Task<RemoteWriteComponent> StartAsync(Action<EndpointBlock>? endpoint = null)
    {
        _receiver.Start();
        var component = Create();
        await component.UpdateAsync(Arguments(_receiver.Url, endpoint), CancellationToken.None);
        return component;
    }

    private static RemoteWriteArguments Arguments(Uri url, Action<EndpointBlock>? endpoint = null)
    {
        var block = new EndpointBlock
        {
            Url = url.ToString(),
            Name = "primary",
            QueueConfig = new QueueConfigBlock { BatchSendDeadline = TimeSpan.FromMilliseconds(50) },
        };
        endpoint?.Invoke(block);
        return new RemoteWriteArguments
        {
            Endpoints = [block],
            ExternalLabels = new Dictionary<string, string> { ["cluster"] = "eu" },
        };
    }

    [Fact]
    public async Task Samples_sent_to_the_exported_receiver_reach_the_endpoint_with_its_headers()
    {
        await using var component = await StartAsync(e =>
        {
            e.Headers = new Dictionary<string, string> { ["X-Scope-OrgID"] = "tenant-1" };
            e.BasicAuth = new BasicAuthArguments { Username = "user", Password = "secret" };
        });
        var sink = Assert.IsType<RemoteWriteExports>(_host.Exports).Receiver;

        await sink.AppendAsync([new Sample(LabelSet.From(("__name__", "up"), ("job", "a")), 1_000, 1)], CancellationToken.None);

        await Eventually.TrueAsync(() => _receiver.Accepted.Count == 1, "the sample arrives");
        var request = Assert.Single(_receiver.Requests);
        Assert.Equal("tenant-1", request.Headers["X-Scope-OrgID"]);
        Assert.Equal("Basic " + Convert.ToBase64String("user:secret"u8.ToArray()), request.Headers["Authorization"]);
        Assert.Equal([new Label("__name__", "up"), new Label("cluster", "eu"), new Label("job", "a")], Assert.Single(request.Series).Labels);
        Assert.True(Directory.Exists(Path.Combine(_test.Directory, "wal")));
    }

    [Fact]
    public async Task An_authorization_block_sends_the_credentials_read_from_its_file()
    {
        Directory.CreateDirectory(_test.Directory);
        var credentials = Path.Combine(_test.Directory, "token");
        await File.WriteAllTextAsync(credentials, "from-file\n");
        await using var component = await StartAsync(e =>
            e.Authorization = new AuthorizationArguments { Type = "Token", CredentialsFile = credentials });

        await component.AppendAsync([new Sample(LabelSet.From(("__name__", "up")), 1_000, 1)], CancellationToken.None);

        await Eventually.TrueAsync(() => _receiver.Accepted.Count == 1, "the sample arrives");
        Assert.Equal("Token from-file", Assert.Single(_receiver.Requests).Headers["Authorization"]);
    }

    [Fact]
    public async Task Write_relabel_config_drops_and_rewrites_series_before_they_are_sent()
    {
        await using var component = await StartAsync(e =>
        {
            // One shard sends in WAL order, so once the last sample has arrived every earlier one has been decided.
            e.QueueConfig = new QueueConfigBlock { MinShards = 1, MaxShards = 1, BatchSendDeadline = TimeSpan.FromMilliseconds(50) };
            e.WriteRelabelConfigs =
            [
                new RelabelRuleArguments { SourceLabels = ["__name__"], Regex = "go_.*", Action = "drop" },
                new RelabelRuleArguments { SourceLabels = ["instance"], Regex = "([^:]+):\\d+", TargetLabel = "host", Replacement = "$1" },
            ];
        });

        await component.AppendAsync(
        [
            new Sample(LabelSet.From(("__name__", "go_goroutines"), ("instance", "web-1:9090")), 1_000, 1),
            new Sample(LabelSet.From(("__name__", "up"), ("instance", "web-1:9090")), 1_000, 2),
            new Sample(LabelSet.From(("__name__", "go_gc_duration_seconds"), ("instance", "web-2:9090")), 1_000, 3),
            new Sample(LabelSet.From(("__name__", "http_requests_total"), ("instance", "web-2:9090")), 1_000, 4),
        ], CancellationToken.None);

        await Eventually.TrueAsync(() => _receiver.Accepted.Any(s => s.Value == 4), "the last kept sample arrives");
        IReadOnlyList<Label>[] expected =
        [
            [new Label("__name__", "up"), new Label("cluster", "eu"), new Label("host", "web-1"), new Label("instance", "web-1:9090")],
            [new Label("__name__", "http_requests_total"), new Label("cluster", "eu"), new Label("host", "web-2"), new Label("instance", "web-2:9090")],
        ];
        Assert.Equal(expected, _receiver.Requests.SelectMany(r => r.Series).Select(s => s.Labels));
    }

    [Fact]
    public async Task Write_relabel_config_sees_the_external_labels()
    {
        await using var component = await StartAsync(e => e.WriteRelabelConfigs =
        [
            new RelabelRuleArguments { SourceLabels = ["cluster"], TargetLabel = "region", Replacement = "${1}-1" },
            new RelabelRuleArguments { Regex = "cluster", Action = "labeldrop" },
        ]);

        await component.AppendAsync([new Sample(LabelSet.From(("__name__", "up")), 1_000, 1)], CancellationToken.None);

        await Eventually.TrueAsync(() => _receiver.Accepted.Count == 1, "the sample arrives");
        Assert.Equal([new Label("__name__", "up"), new Label("region", "eu-1")], Assert.Single(Assert.Single(_receiver.Requests).Series).Labels);
    }

    [Theory]
    [InlineData("action", "bogus", "(.*)")]
    [InlineData("regex", "replace", "([a-z")]
    public async Task An_invalid_write_relabel_rule_is_an_argument_error_naming_the_attribute(string attribute, string action, string regex)
    {
        await using var component = Create();
        var error = await Assert.ThrowsAsync<ComponentArgumentException>(() => component.UpdateAsync(
            Arguments(new Uri("http://127.0.0.1:1/api/v1/write"), e =>
                e.WriteRelabelConfigs = [new RelabelRuleArguments { Action = action, Regex = regex, TargetLabel = "x" }]),
            CancellationToken.None));
        Assert.Equal(attribute, error.AttributeName);
    }

    [Theory]
    [InlineData("url")]
    [InlineData("min_shards")]
    [InlineData("basic_auth")]
    [InlineData("min_backoff")]
    public void Invalid_arguments_name_the_attribute_at_fault(string attribute)
    {
        var args = Arguments(new Uri("http://127.0.0.1:1/api/v1/write"), e =>
        {
            switch (attribute)
            {
                case "url": e.Url = "not a url"; break;
                case "min_shards": e.QueueConfig = new QueueConfigBlock { MinShards = 10, MaxShards = 2 }; break;
                case "basic_auth": e.BearerToken = "t"; e.BasicAuth = new BasicAuthArguments { Username = "u" }; break;
                case "min_backoff": e.QueueConfig = new QueueConfigBlock { MinBackoff = TimeSpan.FromSeconds(10) }; break;
            }
        });
        Assert.Equal(attribute, Assert.Throws<ComponentArgumentException>(args.Validate).AttributeName);
    }

    [Fact]
    public void Defaults_are_Alloys()
    {
        var endpoint = new EndpointBlock();
        var queue = endpoint.QueueConfig;
        var wal = new WalBlock();
        Assert.Equal(TimeSpan.FromSeconds(30), endpoint.RemoteTimeout);
        Assert.True(endpoint.SendExemplars);
        Assert.Equal((10_000, 1, 50, 2_000), (queue.Capacity, queue.MinShards, queue.MaxShards, queue.MaxSamplesPerSend));
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(30), TimeSpan.FromSeconds(5)), (queue.BatchSendDeadline, queue.MinBackoff, queue.MaxBackoff));
        Assert.True(queue.RetryOnHttp429);
        Assert.Equal((TimeSpan.FromHours(2), TimeSpan.FromMinutes(5), TimeSpan.FromHours(8)), (wal.TruncateFrequency, wal.MinKeepaliveTime, wal.MaxKeepaliveTime));
        Assert.Equal("Bearer", new AuthorizationArguments().Type);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _test.Dispose();
    }
}
