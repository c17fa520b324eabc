using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components;
using AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>The prometheus.remote_write component as the configuration graph drives it.</summary>
public sealed class RemoteWriteComponentTests : IDisposable
{
    private readonly TestStorage _test = new();

    private sealed class Host(string dataPath) : IComponentHost
    {
        public string ComponentId => "prometheus.remote_write.default";

        public string DataPath => dataPath;

        public ILogger Logger => NullLogger.Instance;

        public object? Exports { get; private set; }

        public void SetExports(object exports) => Exports = exports;
    }

    /// <summary>A stand-in for the relabel engine: drops series whose job is "drop", renames the rest's job.</summary>
    private sealed class JobRelabeler : IWriteRelabelCompiler
    {
        public Func<LabelSet, LabelSet?> Compile(IReadOnlyList<WriteRelabelRule> rules) =>
            labels => labels.Get("job") == "drop" ? null : LabelSet.From(labels.Where(l => l.Name != "job").Append(new Label("job", rules[0].Replacement)));
    }

    private RemoteWriteComponent Create(Host host, IWriteRelabelCompiler? relabel = null)
    {
        var services = new ServiceCollection();
        if (relabel is not null)
        {
            services.AddSingleton(relabel);
        }
        return ActivatorUtilities.CreateInstance<RemoteWriteComponent>(services.BuildServiceProvider(), host);
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
        await using var receiver = new LoopbackWriteReceiver();
        receiver.Start();
        var host = new Host(_test.Directory);
        await using var component = Create(host);
        await component.UpdateAsync(Arguments(receiver.Url, e =>
        {
            e.Headers = new Dictionary<string, string> { ["X-Scope-OrgID"] = "tenant-1" };
            e.BasicAuth = new BasicAuthBlock { Username = "user", Password = "secret" };
        }), CancellationToken.None);
        var sink = Assert.IsType<RemoteWriteExports>(host.Exports).Receiver;

        await sink.AppendAsync([new Sample(LabelSet.From(("__name__", "up"), ("job", "a")), 1_000, 1)], CancellationToken.None);

        await Eventually.TrueAsync(() => receiver.Accepted.Count == 1, "the sample arrives");
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("tenant-1", request.Headers["X-Scope-OrgID"]);
        Assert.Equal("Basic " + Convert.ToBase64String("user:secret"u8.ToArray()), request.Headers["Authorization"]);
        Assert.Equal([new Label("__name__", "up"), new Label("cluster", "eu"), new Label("job", "a")], Assert.Single(request.Series).Labels);
        Assert.True(Directory.Exists(Path.Combine(_test.Directory, "wal")));
    }

    [Fact]
    public async Task Write_relabelling_is_applied_per_endpoint_through_the_relabel_engine()
    {
        await using var receiver = new LoopbackWriteReceiver();
        receiver.Start();
        var host = new Host(_test.Directory);
        await using var component = Create(host, new JobRelabeler());
        await component.UpdateAsync(Arguments(receiver.Url, e =>
            e.WriteRelabelConfigs = [new WriteRelabelRule { TargetLabel = "job", Replacement = "renamed" }]), CancellationToken.None);

        await component.AppendAsync(
        [
            new Sample(LabelSet.From(("__name__", "m"), ("job", "drop")), 1_000, 1),
            new Sample(LabelSet.From(("__name__", "m"), ("job", "keep")), 1_000, 2),
        ], CancellationToken.None);

        await Eventually.TrueAsync(() => receiver.Accepted.Count >= 1, "the kept sample arrives");
        await Task.Delay(200);
        var sample = Assert.Single(receiver.Accepted);
        Assert.Equal(2, sample.Value);
        Assert.Contains("job=\"renamed\"", sample.Series);
    }

    [Fact]
    public async Task Write_relabel_rules_without_the_relabel_engine_are_an_argument_error()
    {
        await using var component = Create(new Host(_test.Directory));
        var error = await Assert.ThrowsAsync<ComponentArgumentException>(() => component.UpdateAsync(
            Arguments(new Uri("http://127.0.0.1:1/api/v1/write"), e => e.WriteRelabelConfigs = [new WriteRelabelRule()]), CancellationToken.None));
        Assert.Equal("write_relabel_config", error.AttributeName);
    }

    [Theory]
    [InlineData("url")]
    [InlineData("min_shards")]
    [InlineData("endpoint")]
    [InlineData("min_backoff")]
    public void Invalid_arguments_name_the_attribute_at_fault(string attribute)
    {
        var args = Arguments(new Uri("http://127.0.0.1:1/api/v1/write"), e =>
        {
            switch (attribute)
            {
                case "url": e.Url = "not a url"; break;
                case "min_shards": e.QueueConfig = new QueueConfigBlock { MinShards = 10, MaxShards = 2 }; break;
                case "endpoint": e.BearerToken = "t"; e.BasicAuth = new BasicAuthBlock { Username = "u" }; break;
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
        Assert.Equal("Bearer", new AuthorizationBlock().Type);
    }

    public void Dispose() => _test.Dispose();
}
