using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components;
using AlloyOrleans.Grains.Components.Discovery;
using AlloyOrleans.Grains.Components.Discovery.Http;
using Xunit;

namespace AlloyOrleans.Tests.Discovery;

public sealed class HttpDiscoveryTests
{
    private static IReadOnlyList<string> Addresses(DiscoveryExports exports) =>
        exports.Targets.Select(t => t.Get("__address__")).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Follows_the_refresh_interval_and_keeps_the_last_good_targets_while_the_endpoint_fails()
    {
        var body = """[{"targets": ["10.0.0.1:9100"], "labels": {"job": "node"}}]""";
        var failing = false;
        var failures = 0;
        string? authorization = null;
        await using var server = new LoopbackHttpServer(async context =>
        {
            authorization = context.Request.Headers["Authorization"];
            if (Volatile.Read(ref failing))
            {
                Interlocked.Increment(ref failures);
                await LoopbackHttpServer.WriteAsync(context, 500, "text/plain", "boom");
                return;
            }
            await LoopbackHttpServer.WriteAsync(context, 200, "application/json; charset=utf-8", Volatile.Read(ref body));
        });
        var host = new FakeComponentHost("discovery.http.test");
        var component = new DiscoveryHttpComponent(host);
        var url = new Uri(server.Url, "sd").ToString();
        await component.UpdateAsync(new DiscoveryHttpArguments { Url = url, RefreshInterval = TimeSpan.FromMilliseconds(200), BearerToken = "secret" }, default);
        using var stop = new CancellationTokenSource();
        var run = component.RunAsync(stop.Token);

        var first = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 1);
        Assert.Equal(LabelSet.From(("__address__", "10.0.0.1:9100"), ("job", "node"), ("__meta_url", url)), first.Targets[0]);
        Assert.Equal("Bearer secret", authorization);

        // A changed response is picked up on a later refresh, with no notification.
        Volatile.Write(ref body, """[{"targets": ["10.0.0.1:9100", "10.0.0.2:9100"]}, {"targets": ["10.0.0.3:9100"], "labels": {"zone": "b"}}]""");
        var changed = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 3);
        Assert.Equal(["10.0.0.1:9100", "10.0.0.2:9100", "10.0.0.3:9100"], Addresses(changed));

        // The endpoint fails several times in a row: the exported targets stay as they were.
        var exportsBeforeFailure = host.Exports.Count;
        Volatile.Write(ref failing, true);
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            while (Volatile.Read(ref failures) < 3)
            {
                await Task.Delay(50, deadline.Token);
            }
        }
        Assert.Equal(exportsBeforeFailure, host.Exports.Count);
        Assert.Equal(changed.Targets, ((DiscoveryExports)host.Exports[^1]).Targets);

        // Once it recovers, its new answer replaces them.
        Volatile.Write(ref body, """[{"targets": ["10.0.0.9:9100"]}]""");
        Volatile.Write(ref failing, false);
        var recovered = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 1);
        Assert.Equal(["10.0.0.9:9100"], Addresses(recovered));

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_wrong_content_type_or_malformed_body_is_a_failure_not_an_empty_list()
    {
        var body = """[{"targets": ["a:1"]}]""";
        var contentType = "application/json";
        await using var server = new LoopbackHttpServer(context =>
            LoopbackHttpServer.WriteAsync(context, 200, Volatile.Read(ref contentType), Volatile.Read(ref body)));
        var host = new FakeComponentHost("discovery.http.bad");
        var component = new DiscoveryHttpComponent(host);
        await component.UpdateAsync(new DiscoveryHttpArguments { Url = server.Url.ToString(), RefreshInterval = TimeSpan.FromMilliseconds(100) }, default);
        using var stop = new CancellationTokenSource();
        var run = component.RunAsync(stop.Token);
        await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 1);
        var exports = host.Exports.Count;

        Volatile.Write(ref contentType, "text/html");
        var served = server.Requests;
        await WaitForRequestsAsync(server, served + 3);
        Volatile.Write(ref contentType, "application/json");
        Volatile.Write(ref body, """{"targets": "not a list"}""");
        served = server.Requests;
        await WaitForRequestsAsync(server, served + 3);

        Assert.Equal(exports, host.Exports.Count);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Equal_arguments_keep_the_running_discoverer_and_changed_ones_restart_it()
    {
        var paths = new List<string>();
        await using var server = new LoopbackHttpServer(context =>
        {
            lock (paths)
            {
                paths.Add(context.Request.Url!.AbsolutePath);
            }
            return LoopbackHttpServer.WriteAsync(context, 200, "application/json", $$"""[{"targets": ["{{context.Request.Url!.AbsolutePath.Trim('/')}}:1"]}]""");
        });
        var host = new FakeComponentHost("discovery.http.update");
        var component = new DiscoveryHttpComponent(host);
        DiscoveryHttpArguments Arguments(string path) => new() { Url = new Uri(server.Url, path).ToString(), RefreshInterval = TimeSpan.FromHours(1) };
        await component.UpdateAsync(Arguments("a"), default);
        using var stop = new CancellationTokenSource();
        var run = component.RunAsync(stop.Token);
        await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 1 && e.Targets[0].Get("__address__") == "a:1");

        await component.UpdateAsync(Arguments("a"), default);
        // Give a (wrongly) restarted discoverer time to make its request before the next update replaces it.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        await component.UpdateAsync(Arguments("b"), default);
        await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 1 && e.Targets[0].Get("__address__") == "b:1");

        lock (paths)
        {
            Assert.Equal(["/a", "/b"], paths);
        }
        await stop.CancelAsync();
        await run;
    }

    [Theory]
    [InlineData("ftp://example.com/sd", "url")]
    [InlineData("not a url", "url")]
    public async Task Invalid_arguments_are_rejected(string url, string attribute)
    {
        var component = new DiscoveryHttpComponent(new FakeComponentHost("discovery.http.invalid"));

        var error = await Assert.ThrowsAsync<ComponentArgumentException>(() => component.UpdateAsync(new DiscoveryHttpArguments { Url = url }, default));

        Assert.Equal(attribute, error.AttributeName);
    }

    private static async Task WaitForRequestsAsync(LoopbackHttpServer server, int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (server.Requests < count)
        {
            await Task.Delay(50, deadline.Token);
        }
    }
}
