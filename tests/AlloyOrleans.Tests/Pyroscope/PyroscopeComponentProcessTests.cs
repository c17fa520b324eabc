using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components.Pyroscope.Write;
using AlloyOrleans.Grains.Pyroscope;
using AlloyOrleans.Grains.Scrape;
using AlloyOrleans.Silo.Configuration;
using AlloyOrleans.Tests.Configuration;
using AlloyOrleans.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AlloyOrleans.Tests.Pyroscope;

/// <summary>
/// pyroscope.scrape and pyroscope.write loaded from Alloy configuration: the job and the per-profile-type targets
/// they hand the scrape core, and one real scrape of Prometheus' pprof endpoints through the configured executor into
/// the configured writer, decoded at a loopback push receiver.
/// </summary>
public sealed class PyroscopeComponentProcessTests(PrometheusReceiver prometheus) : IClassFixture<PrometheusReceiver>, IAsyncLifetime
{
    private readonly RecordingScrapeRegistry _registry = new();
    private readonly string _storage = Path.Combine(Path.GetTempPath(), "alloy-pyroscope-" + Guid.NewGuid().ToString("N"));
    private ServiceProvider _services = null!;
    private PushReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await PushReceiver.StartAsync();
        _services = new ServiceCollection()
            .AddSingleton<IScrapeJobRegistry>(_registry)
            .AddSingleton<ScrapeHttpClients>()
            .AddSingleton(TimeProvider.System)
            .BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private string Config => $$"""
        pyroscope.scrape "go" {
        	targets = [
        		{"__address__" = "{{prometheus.BaseAddress.Authority}}", "service_name" = "prometheus", "team" = "obs"},
        	]
        	forward_to               = [pyroscope.write.local.receiver]
        	scrape_interval          = "3s"
        	scrape_timeout           = "2s"
        	delta_profiling_duration = "2s"

        	profiling_config {
        		profile.block {
        			enabled = false
        		}

        		profile.mutex {
        			enabled = false
        		}

        		profile.custom "heap" {
        			enabled = true
        			path    = "/debug/pprof/heap"
        		}
        	}

        	clustering {
        		enabled = true
        	}
        }

        pyroscope.write "local" {
        	endpoint {
        		url                = "{{_receiver.Url}}"
        		min_backoff_period = "10ms"
        		headers            = {
        			"X-Scope-OrgID" = "tenant-7",
        		}
        	}

        	external_labels = {
        		"cluster" = "test",
        	}
        }
        """;

    [Fact]
    public async Task A_loaded_configuration_scrapes_real_pprof_and_pushes_it_with_alloys_labels()
    {
        var graph = new ComponentGraph(TestConfigurations.Load(Config, "pyroscope.alloy"));
        await graph.StartAsync(_services, _storage, CancellationToken.None);
        try
        {
            var (job, targets) = Assert.Single(_registry.Applied);
            Assert.Equal("pyroscope.scrape.go", job.ComponentId);
            Assert.Equal("pyroscope.scrape.go", job.JobName);
            Assert.Equal(TimeSpan.FromSeconds(3), job.Interval);
            Assert.True(job.ClusteringEnabled);
            var executor = Assert.IsType<ProfileScraper>(job.Executor);
            var receiver = graph.GetExports("pyroscope.write.local").AsObject()["receiver"].AsCapsule();
            Assert.Same(receiver, Assert.Single(executor.ForwardTo));
            Assert.Equal(["goroutine", "heap", "memory", "process_cpu"], targets.Select(t => t.Get("__name__")).Order());
            Assert.Equal("2", targets.Single(t => t.Get("__name__") == "process_cpu").Get("__param_seconds"));

            var scrapeTargets = targets.Select(t => ScrapeTarget.Create(job, t, out _)!).ToList();
            var reports = await Task.WhenAll(scrapeTargets.Select(t => executor.ScrapeAsync(job, t, new TargetScrapeState(), 0, CancellationToken.None)));
            Assert.All(reports, r => Assert.True(r.Up, r.Error));
            // Memory is cumulative: its first scrape is the baseline. The other three are pushed.
            await TestConfigurations.WaitUntilAsync(() => _receiver.Accepted.Count == 3, "three pushes");

            var byName = _receiver.Attempts.ToDictionary(a => a.Request.Series[0].Labels.Single(l => l.Name == "__name__").Value);
            Assert.Equal(["goroutine", "heap", "process_cpu"], byName.Keys.Order());
            var cpu = byName["process_cpu"];
            Assert.Equal("tenant-7", cpu.TenantHeader);
            Assert.Equal(
                ["__name__=process_cpu", "cluster=test", $"instance={prometheus.BaseAddress.Authority}", "job=pyroscope.scrape.go", "service_name=prometheus", "team=obs"],
                cpu.Request.Series[0].Labels.Select(l => $"{l.Name}={l.Value}"));
            var profile = ProfileDecoder.Decode(cpu.Request.Series[0].Samples[0].RawProfile.Memory, 0);
            Assert.Equal([("samples", "count"), ("cpu", "nanoseconds")], ProfileScrapeHarness.SampleTypes(profile));
            Assert.Equal([("inuse_space", "bytes")], ProfileScrapeHarness.SampleTypes(
                ProfileDecoder.Decode(byName["heap"].Request.Series[0].Samples[0].RawProfile.Memory, 0)).Skip(3));
            var writer = Assert.IsType<PyroscopeWriteComponent>(receiver).Writer!;
            // The writer counts a profile sent once the receiver's answer is back, a moment after the receiver has
            // recorded the request: wait for the count, then require exactly the three the receiver accepted.
            await TestConfigurations.WaitUntilAsync(() => writer.Queues[0].SentProfiles >= 3, "the writer to count three profiles sent");
            Assert.Equal(3, writer.Queues[0].SentProfiles);
        }
        finally
        {
            await graph.StopAsync(CancellationToken.None);
        }
        Assert.Equal(["pyroscope.scrape.go"], _registry.Removed);
    }
}
