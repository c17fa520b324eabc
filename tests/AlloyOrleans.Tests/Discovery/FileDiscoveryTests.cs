using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components.Discovery;
using AlloyOrleans.Grains.Components.Discovery.File;
using Xunit;

namespace AlloyOrleans.Tests.Discovery;

public sealed class FileDiscoveryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("file-sd-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static IReadOnlyList<string> Addresses(DiscoveryExports exports) =>
        exports.Targets.Select(t => t.Get("__address__")).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Picks_up_a_changed_file_without_restart_and_keeps_last_good_targets_of_a_broken_file()
    {
        var json = Path.Combine(_directory, "a.json");
        await System.IO.File.WriteAllTextAsync(json, """[{"targets": ["10.0.0.1:9100"], "labels": {"env": "prod"}}]""");
        var host = new FakeComponentHost("discovery.file.test");
        var component = new DiscoveryFileComponent(host);
        // A refresh interval far beyond the test's length: only the file system notification can explain a change.
        await component.UpdateAsync(new DiscoveryFileArguments { Files = [Path.Combine(_directory, "*.json"), Path.Combine(_directory, "*.yml")], RefreshInterval = TimeSpan.FromHours(1) }, default);
        using var stop = new CancellationTokenSource();
        var run = component.RunAsync(stop.Token);

        var first = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 1);
        Assert.Equal(LabelSet.From(("__address__", "10.0.0.1:9100"), ("env", "prod"), ("__meta_filepath", json)), first.Targets[0]);

        await System.IO.File.WriteAllTextAsync(json, """[{"targets": ["10.0.0.1:9100", "10.0.0.2:9100"]}]""");
        var changed = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 2);
        Assert.Equal(["10.0.0.1:9100", "10.0.0.2:9100"], Addresses(changed));
        Assert.All(changed.Targets, t => Assert.Equal("", t.Get("env")));

        // A new YAML file adds its targets; the broken JSON file keeps its last good ones.
        await System.IO.File.WriteAllTextAsync(json, """[{"targets": ["10.0.0.1:9100",""");
        var yaml = Path.Combine(_directory, "b.yml");
        await System.IO.File.WriteAllTextAsync(yaml, """
            - targets:
                - "node-1:9100"
              labels:
                team: infra
            """);
        var withYaml = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 3);
        Assert.Equal(["10.0.0.1:9100", "10.0.0.2:9100", "node-1:9100"], Addresses(withYaml));
        Assert.Equal("infra", withYaml.Targets.Single(t => t.Get("__address__") == "node-1:9100").Get("team"));
        Assert.Equal(yaml, withYaml.Targets.Single(t => t.Get("__address__") == "node-1:9100").Get("__meta_filepath"));

        System.IO.File.Delete(yaml);
        var afterDelete = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 2);
        Assert.Equal(["10.0.0.1:9100", "10.0.0.2:9100"], Addresses(afterDelete));

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Refresh_interval_rereads_files()
    {
        // Files under a wildcard directory are not watched: only the refresh interval finds the change.
        var sub = Directory.CreateDirectory(Path.Combine(_directory, "sub")).FullName;
        var file = Path.Combine(sub, "t.json");
        await System.IO.File.WriteAllTextAsync(file, """[{"targets": ["a:1"]}]""");
        var host = new FakeComponentHost("discovery.file.interval");
        var component = new DiscoveryFileComponent(host);
        await component.UpdateAsync(new DiscoveryFileArguments { Files = [Path.Combine(_directory, "s*", "*.json")], RefreshInterval = TimeSpan.FromMilliseconds(200) }, default);
        using var stop = new CancellationTokenSource();
        var run = component.RunAsync(stop.Token);

        await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 1);
        await System.IO.File.WriteAllTextAsync(file, """[{"targets": ["a:1", "b:2"]}]""");
        var changed = await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 2);

        Assert.Equal(["a:1", "b:2"], Addresses(changed));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Invalid_arguments_are_rejected()
    {
        var component = new DiscoveryFileComponent(new FakeComponentHost("discovery.file.bad"));

        var error = await Assert.ThrowsAsync<AlloyOrleans.Grains.Components.ComponentArgumentException>(
            () => component.UpdateAsync(new DiscoveryFileArguments { Files = [] }, default));

        Assert.Equal("files", error.AttributeName);
    }
}
