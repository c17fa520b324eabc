using AlloyOrleans.Grains.Http;
using Xunit;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Scrape;
using AlloyOrleans.Silo.Configuration;
using AlloyOrleans.Silo.Syntax;
using Microsoft.Extensions.DependencyInjection;

namespace AlloyOrleans.Tests.Configuration;

public sealed class ComponentGraphTests : IDisposable
{
    private readonly ComponentProbe _probe = new();
    private readonly RecordingScrapeRegistry _registry = new();
    private readonly ServiceProvider _services;
    private readonly string _storage = Path.Combine(Path.GetTempPath(), "alloy-graph-" + Guid.NewGuid().ToString("N"));

    public ComponentGraphTests()
    {
        _services = new ServiceCollection()
            .AddSingleton(_probe)
            .AddSingleton<IScrapeJobRegistry>(_registry)
            .BuildServiceProvider();
    }

    public void Dispose()
    {
        _services.Dispose();
        if (Directory.Exists(_storage))
        {
            Directory.Delete(_storage, recursive: true);
        }
    }

    private const string Chain = """
        testing.echo "c" {
        	input = testing.echo.b.output + "!"
        }

        testing.echo "b" {
        	input = string.to_upper(testing.source.a.value)
        }

        testing.echo "independent" {
        	input = "fixed"
        }

        testing.source "a" {
        	value = "first"
        }
        """;

    /// <summary>Starts a graph for <paramref name="source"/>, runs <paramref name="test"/>, and always stops the graph.</summary>
    private async Task WithGraphAsync(string source, Func<ComponentGraph, Task> test)
    {
        var graph = new ComponentGraph(TestConfigurations.Load(source));
        await graph.StartAsync(_services, _storage, CancellationToken.None);
        try
        {
            await test(graph);
        }
        finally
        {
            await graph.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Components_start_in_dependency_order_whatever_the_declaration_order()
    {
        await WithGraphAsync(Chain, async graph =>
        {
            var order = _probe.UpdatedIds.ToList();
            Assert.True(order.IndexOf("testing.source.a") < order.IndexOf("testing.echo.b"));
            Assert.True(order.IndexOf("testing.echo.b") < order.IndexOf("testing.echo.c"));
            Assert.Equal("FIRST!", _probe.LastArguments<EchoArguments>("testing.echo.c").Input);
            Assert.Equal(Path.Combine(_storage, "testing.echo.c"), _probe.Hosts["testing.echo.c"].DataPath);
        });
    }

    [Fact]
    public async Task A_changed_export_re_evaluates_only_the_components_that_depend_on_it()
    {
        await WithGraphAsync(Chain, async graph =>
        {
            await TestConfigurations.WaitUntilAsync(() => _probe.UpdateCount("testing.echo.c") >= 1, "start");

            _probe.Hosts["testing.source.a"].SetExports(new SourceExports { Value = "second" });

            await TestConfigurations.WaitUntilAsync(() => _probe.LastArguments<EchoArguments>("testing.echo.c").Input == "SECOND!", "c to see the new value");
            Assert.Equal(2, _probe.UpdateCount("testing.echo.b"));
            Assert.Equal(2, _probe.UpdateCount("testing.echo.c"));
            Assert.Equal(1, _probe.UpdateCount("testing.echo.independent"));
            Assert.Equal(1, _probe.UpdateCount("testing.source.a"));
            Assert.Equal("SECOND", graph.GetExports("testing.echo.b").AsObject()["output"].AsString());
        });
    }

    [Fact]
    public async Task Publishing_equal_exports_again_changes_nothing_downstream()
    {
        await WithGraphAsync(Chain, async graph =>
        {
            _probe.Hosts["testing.source.a"].SetExports(new SourceExports { Value = "first" });
            _probe.Hosts["testing.source.a"].SetExports(new SourceExports { Value = "third" });

            await TestConfigurations.WaitUntilAsync(() => _probe.LastArguments<EchoArguments>("testing.echo.c").Input == "THIRD!", "the third value");
            Assert.Equal(2, _probe.UpdateCount("testing.echo.b"));
        });
    }

    [Fact]
    public async Task A_dependent_whose_arguments_evaluate_the_same_is_not_updated_and_nothing_propagates()
    {
        await WithGraphAsync(Chain, async _ =>
        {
            _probe.Hosts["testing.source.a"].SetExports(new SourceExports { Value = "First" });
            _probe.Hosts["testing.source.a"].SetExports(new SourceExports { Value = "marker" });

            await TestConfigurations.WaitUntilAsync(() => _probe.LastArguments<EchoArguments>("testing.echo.c").Input == "MARKER!", "the marker value");
            // "First" upper-cases to what b already had, so only "marker" reached b and c.
            Assert.Equal(["FIRST", "MARKER"], _probe.Updates.Where(u => u.Id == "testing.echo.b").Select(u => ((EchoArguments)u.Arguments).Input));
            Assert.Equal(2, _probe.UpdateCount("testing.echo.c"));
        });
    }

    [Fact]
    public async Task A_failed_re_evaluation_keeps_the_previous_arguments_until_a_good_value_arrives()
    {
        const string source = """
            testing.source "json" {
            	value = "{\"name\": \"one\"}"
            }

            testing.echo "name" {
            	input = encoding.from_json(testing.source.json.value).name
            }
            """;
        await WithGraphAsync(source, async _ =>
        {
            var host = _probe.Hosts["testing.source.json"];

            host.SetExports(new SourceExports { Value = "not json" });
            host.SetExports(new SourceExports { Value = "{\"name\": \"two\"}" });

            await TestConfigurations.WaitUntilAsync(() => _probe.LastArguments<EchoArguments>("testing.echo.name").Input == "two", "the good value");
            Assert.Equal(["one", "two"], _probe.Updates.Where(u => u.Id == "testing.echo.name").Select(u => ((EchoArguments)u.Arguments).Input));
        });
    }

    [Fact]
    public async Task A_function_error_on_a_referenced_export_is_reported_when_the_graph_starts()
    {
        var loaded = TestConfigurations.Load("testing.source \"json\" {\n\tvalue = \"not json\"\n}\n\ntesting.echo \"name\" {\n\tinput = encoding.from_json(testing.source.json.value).name\n}\n", "late.alloy");
        var graph = new ComponentGraph(loaded);

        var error = await Assert.ThrowsAsync<FunctionCallException>(() => graph.StartAsync(_services, _storage, CancellationToken.None));

        Assert.StartsWith("late.alloy:6:29: encoding.from_json: invalid JSON", error.Message);
    }

    [Fact]
    public async Task Stopping_cancels_every_run_loop()
    {
        var graph = new ComponentGraph(TestConfigurations.Load(Chain));
        await graph.StartAsync(_services, _storage, CancellationToken.None);

        await graph.StopAsync(CancellationToken.None);

        Assert.Equal(
            ["testing.echo.b", "testing.echo.c", "testing.echo.independent", "testing.source.a"],
            _probe.Stopped.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_cycle_is_an_error_at_the_first_component_in_it()
    {
        var source = "testing.echo \"x\" {\n\tinput = testing.echo.y.output\n}\n\ntesting.echo \"y\" {\n\tinput = testing.echo.z.output\n}\n\ntesting.echo \"z\" {\n\tinput = testing.echo.x.output\n}\n";

        var error = Assert.ThrowsAny<ConfigurationException>(() => TestConfigurations.Load(source, "cycle.alloy"));

        Assert.Equal("cycle.alloy:1:1: cycle detected: testing.echo.x -> testing.echo.y -> testing.echo.z -> testing.echo.x", error.Message);
    }

    [Fact]
    public async Task Prometheus_scrape_hands_its_job_and_targets_to_the_scrape_registry_and_follows_discovery()
    {
        var source = File.ReadAllText(Path.Combine(TestConfigurations.DataDirectory("valid"), "testing_scrape.alloy"));
        await WithGraphAsync(source, async graph =>
        {
            var (job, targets) = Assert.Single(_registry.Applied);
            Assert.Equal("prometheus.scrape.default", job.ComponentId);
            Assert.Equal("node-2", job.JobName);
            Assert.Equal(TimeSpan.FromSeconds(90), job.Interval);
            Assert.Equal(TimeSpan.FromSeconds(15), job.Timeout);
            Assert.Equal(1048576, job.BodySizeLimitBytes);
            Assert.Equal(new AuthorizationHeaderAuthentication("Bearer", "token", null), job.Http.Authentication);
            Assert.False(job.ClusteringEnabled);
            var receiver = graph.GetExports("testing.receiver.sink").AsObject()["receiver"].AsCapsule();
            Assert.Same(receiver, Assert.Single(job.ForwardTo));
            Assert.Equal(
                [LabelSet.From(("__address__", "127.0.0.1:9100"), ("job", "node")), LabelSet.From(("__address__", "127.0.0.1:9101"))],
                targets);

            var discovered = new[] { LabelSet.From(("__address__", "10.1.1.1:80")) };
            _probe.Hosts["testing.targets.static"].SetExports(new TargetsExports { Targets = discovered });

            await TestConfigurations.WaitUntilAsync(() => _registry.Applied.Count == 2, "the new targets");
            Assert.Equal(discovered, _registry.Applied.Last().Targets);
        });
        Assert.Equal(["prometheus.scrape.default"], _registry.Removed);
    }

    [Fact]
    public async Task A_component_that_cannot_be_created_fails_start_at_its_block()
    {
        var graph = new ComponentGraph(TestConfigurations.Load("testing.receiver \"sink\" { }\n\nprometheus.scrape \"s\" {\n\ttargets    = []\n\tforward_to = [testing.receiver.sink.receiver]\n}\n", "start.alloy"));
        await using var withoutRegistry = new ServiceCollection().AddSingleton(_probe).BuildServiceProvider();

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => graph.StartAsync(withoutRegistry, _storage, CancellationToken.None));

        Assert.StartsWith("start.alloy:3:1: component \"prometheus.scrape.s\" failed to start: ", error.Message);
    }

    [Fact]
    public async Task Targets_discovered_from_a_file_reach_the_scrape_registry_and_follow_the_file()
    {
        Directory.CreateDirectory(_storage);
        var file = Path.Combine(_storage, "targets.json");
        await File.WriteAllTextAsync(file, """[{"targets": ["127.0.0.1:9100"], "labels": {"env": "test"}}]""");
        var source = $$"""
            discovery.file "nodes" {
            	files            = ["{{file}}"]
            	refresh_interval = "1s"
            }

            testing.receiver "sink" { }

            prometheus.scrape "nodes" {
            	targets    = discovery.file.nodes.targets
            	forward_to = [testing.receiver.sink.receiver]
            }
            """;
        await WithGraphAsync(source, async _ =>
        {
            await TestConfigurations.WaitUntilAsync(() => _registry.Applied.Any(a => a.Targets.Count == 1), "the first target");
            Assert.Equal("test", _registry.Applied.Last().Targets[0].Get("env"));

            await File.WriteAllTextAsync(file, """[{"targets": ["127.0.0.1:9100", "127.0.0.1:9101"]}]""");

            await TestConfigurations.WaitUntilAsync(() => _registry.Applied.Any(a => a.Targets.Count == 2), "the changed file");
            Assert.Equal(["127.0.0.1:9100", "127.0.0.1:9101"], _registry.Applied.Last().Targets.Select(t => t.Get("__address__")));
        });
        Assert.Equal(["prometheus.scrape.nodes"], _registry.Removed);
    }

    [Fact]
    public void The_logging_block_sets_level_and_format()
    {
        var loaded = TestConfigurations.Load("logging {\n\tlevel  = \"warn\"\n\tformat = \"json\"\n}\n");

        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, loaded.Logging.MinimumLevel);
        Assert.Equal(LoggingSettings.FormatName.Json, loaded.Logging.Format);
        Assert.Empty(loaded.Components);
    }
}
