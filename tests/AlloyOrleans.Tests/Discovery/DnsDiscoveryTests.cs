using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components;
using AlloyOrleans.Grains.Components.Discovery.Dns;
using AlloyOrleans.Grains.Discovery.Dns;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using Record = AlloyOrleans.Tests.Discovery.TinyDnsServer.Record;

namespace AlloyOrleans.Tests.Discovery;

public sealed class DnsDiscoveryTests
{
    /// <summary>Runs a discoverer against the tiny server and collects what it publishes.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _task;
        private readonly FakeComponentHost _recorder = new("discovery.dns.test");

        public Run(TinyDnsServer server, IReadOnlyList<string> names, DnsRecordType type, int port = 0)
        {
            var discoverer = new DnsDiscoverer(
                new DnsDiscoveryOptions
                {
                    Names = names,
                    Type = type,
                    Port = port,
                    RefreshInterval = TimeSpan.FromMilliseconds(100),
                    NameServers = [server.EndPoint],
                    QueryTimeout = TimeSpan.FromMilliseconds(500),
                    QueryRetries = 0,
                },
                NullLogger.Instance);
            _task = discoverer.RunAsync(targets => _recorder.SetExports(targets), _stop.Token);
        }

        public int Published => _recorder.Exports.Count;

        public Task<IReadOnlyList<LabelSet>> WaitForAsync(Func<IReadOnlyList<LabelSet>, bool> predicate) =>
            _recorder.WaitForExportsAsync(predicate);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _task;
        }
    }

    [Fact]
    public async Task Srv_records_become_targets_with_prometheus_meta_labels_and_follow_changes()
    {
        await using var server = new TinyDnsServer();
        server.SetRecords(new Dictionary<string, IReadOnlyList<Record>>
        {
            ["_metrics._tcp.example.test"] = [Record.Srv(10, 5, 9100, "node-1.example.test"), Record.Srv(10, 5, 9101, "node-2.example.test")],
        });
        await using var run = new Run(server, ["_metrics._tcp.example.test"], DnsRecordType.Srv);

        var targets = await run.WaitForAsync(t => t.Count == 2);
        Assert.Contains(LabelSet.From(
            ("__address__", "node-1.example.test:9100"),
            ("__meta_dns_name", "_metrics._tcp.example.test"),
            ("__meta_dns_srv_record_target", "node-1.example.test."),
            ("__meta_dns_srv_record_port", "9100")), targets);
        Assert.Contains(targets, t => t.Get("__address__") == "node-2.example.test:9101");

        server.SetRecords(new Dictionary<string, IReadOnlyList<Record>>
        {
            ["_metrics._tcp.example.test"] = [Record.Srv(10, 5, 9100, "node-1.example.test")],
        });
        var shrunk = await run.WaitForAsync(t => t.Count == 1);
        Assert.Equal("node-1.example.test:9100", shrunk[0].Get("__address__"));
    }

    [Fact]
    public async Task A_aaaa_and_mx_records_use_the_configured_port()
    {
        await using var server = new TinyDnsServer();
        server.SetRecords(new Dictionary<string, IReadOnlyList<Record>>
        {
            ["web.example.test"] = [Record.A("10.1.2.3"), Record.A("10.1.2.4"), Record.Aaaa("fd00::1"), Record.Mx(10, "mail.example.test")],
        });
        await using (var a = new Run(server, ["web.example.test"], DnsRecordType.A, 8080))
        {
            var targets = await a.WaitForAsync(t => t.Count == 2);
            Assert.Equal(["10.1.2.3:8080", "10.1.2.4:8080"], targets.Select(t => t.Get("__address__")).Order());
            Assert.All(targets, t => Assert.Equal("web.example.test", t.Get("__meta_dns_name")));
        }
        await using (var aaaa = new Run(server, ["web.example.test"], DnsRecordType.Aaaa, 8080))
        {
            var targets = await aaaa.WaitForAsync(t => t.Count == 1);
            Assert.Equal("[fd00::1]:8080", targets[0].Get("__address__"));
        }
        await using (var mx = new Run(server, ["web.example.test"], DnsRecordType.Mx, 25))
        {
            var targets = await mx.WaitForAsync(t => t.Count == 1);
            Assert.Equal(LabelSet.From(("__address__", "mail.example.test:25"), ("__meta_dns_name", "web.example.test"), ("__meta_dns_mx_record_target", "mail.example.test.")), targets[0]);
        }
    }

    [Fact]
    public async Task A_failing_server_keeps_the_last_targets_and_a_vanished_name_has_none()
    {
        await using var server = new TinyDnsServer();
        server.SetRecords(new Dictionary<string, IReadOnlyList<Record>> { ["web.example.test"] = [Record.A("10.1.2.3")] });
        await using var run = new Run(server, ["web.example.test"], DnsRecordType.A, 80);
        await run.WaitForAsync(t => t.Count == 1);
        var published = run.Published;

        server.Failing = true;
        var queries = server.Queries;
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            while (server.Queries < queries + 3)
            {
                await Task.Delay(50, deadline.Token);
            }
        }
        Assert.Equal(published, run.Published);

        server.SetRecords(new Dictionary<string, IReadOnlyList<Record>>());
        server.Failing = false;
        await run.WaitForAsync(t => t.Count == 0);
    }

    [Theory]
    [InlineData("A", 0, "port")]
    [InlineData("TXT", 80, "type")]
    public async Task Invalid_arguments_are_rejected(string type, int port, string attribute)
    {
        var component = new DiscoveryDnsComponent(new FakeComponentHost("discovery.dns.invalid"));

        var error = await Assert.ThrowsAsync<ComponentArgumentException>(
            () => component.UpdateAsync(new DiscoveryDnsArguments { Names = ["x.test"], Type = type, Port = port }, default));

        Assert.Equal(attribute, error.AttributeName);
    }
}
