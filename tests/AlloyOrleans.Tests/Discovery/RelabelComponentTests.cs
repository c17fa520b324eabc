using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components;
using AlloyOrleans.Grains.Components.Common.Relabel;
using AlloyOrleans.Grains.Components.Discovery.Relabel;
using AlloyOrleans.Grains.Components.Prometheus.Relabel;
using AlloyOrleans.Grains.Scrape;
using Xunit;

namespace AlloyOrleans.Tests.Discovery;

/// <summary>discovery.relabel and prometheus.relabel driven directly, with a fake host.</summary>
public sealed class RelabelComponentTests
{
    /// <summary>A sink that records every batch it receives.</summary>
    private sealed class RecordingSink : ISampleSink
    {
        public List<Sample> Samples { get; } = [];

        public ValueTask AppendAsync(IReadOnlyList<Sample> samples, CancellationToken cancellationToken)
        {
            lock (Samples)
            {
                Samples.AddRange(samples);
            }
            return ValueTask.CompletedTask;
        }
    }

    private static Sample S(string name, string instance, double value, long timestamp = 1000) =>
        new(LabelSet.From(("__name__", name), ("instance", instance), ("job", "node")), timestamp, value);

    [Fact]
    public async Task Prometheus_relabel_forwards_relabelled_samples_and_drops_dropped_ones()
    {
        var host = new FakeComponentHost("prometheus.relabel.test");
        var component = new PrometheusRelabelComponent(host);
        var first = new RecordingSink();
        var second = new RecordingSink();
        await component.UpdateAsync(new PrometheusRelabelArguments
        {
            ForwardTo = [first, second],
            Rules =
            [
                new RelabelRuleArguments { SourceLabels = ["__name__"], Regex = "go_.*", Action = "drop" },
                new RelabelRuleArguments { SourceLabels = ["instance"], Regex = "([^:]+):.*", TargetLabel = "host" },
                new RelabelRuleArguments { Regex = "job", Action = "labeldrop" },
            ],
        }, default);
        var receiver = ((PrometheusRelabelExports)host.Exports[^1]).Receiver;

        // The same series twice exercises the cache; the go_ series is dropped both times.
        for (var round = 0; round < 2; round++)
        {
            await receiver.AppendAsync([S("up", "a:9100", 1, 1000 + round), S("go_goroutines", "a:9100", 12, 1000 + round), S("node_load1", "b:9100", 0.5, 1000 + round)], default);
        }

        var expected = new[]
        {
            new Sample(LabelSet.From(("__name__", "up"), ("instance", "a:9100"), ("host", "a")), 1000, 1),
            new Sample(LabelSet.From(("__name__", "node_load1"), ("instance", "b:9100"), ("host", "b")), 1000, 0.5),
            new Sample(LabelSet.From(("__name__", "up"), ("instance", "a:9100"), ("host", "a")), 1001, 1),
            new Sample(LabelSet.From(("__name__", "node_load1"), ("instance", "b:9100"), ("host", "b")), 1001, 0.5),
        };
        Assert.Equal(expected, first.Samples);
        Assert.Equal(expected, second.Samples);
    }

    [Fact]
    public async Task Prometheus_relabel_applies_new_rules_through_the_same_receiver()
    {
        var host = new FakeComponentHost("prometheus.relabel.update");
        var component = new PrometheusRelabelComponent(host);
        var sink = new RecordingSink();
        await component.UpdateAsync(new PrometheusRelabelArguments { ForwardTo = [sink], Rules = [new RelabelRuleArguments { TargetLabel = "env", Replacement = "dev" }] }, default);
        var receiver = ((PrometheusRelabelExports)host.Exports[^1]).Receiver;
        await receiver.AppendAsync([S("up", "a:1", 1)], default);

        await component.UpdateAsync(new PrometheusRelabelArguments { ForwardTo = [sink], Rules = [new RelabelRuleArguments { TargetLabel = "env", Replacement = "prod" }] }, default);
        await receiver.AppendAsync([S("up", "a:1", 1, 2000)], default);

        Assert.Same(receiver, ((PrometheusRelabelExports)host.Exports[^1]).Receiver);
        Assert.Equal(["dev", "prod"], sink.Samples.Select(s => s.Labels.Get("env")));
    }

    [Fact]
    public async Task Prometheus_relabel_keeps_staleness_markers_of_kept_series()
    {
        var host = new FakeComponentHost("prometheus.relabel.stale");
        var component = new PrometheusRelabelComponent(host);
        var sink = new RecordingSink();
        await component.UpdateAsync(new PrometheusRelabelArguments { ForwardTo = [sink], Rules = [new RelabelRuleArguments { SourceLabels = ["__name__"], Regex = "up", Action = "keep" }], MaxCacheSize = 1 }, default);
        var receiver = ((PrometheusRelabelExports)host.Exports[^1]).Receiver;

        await receiver.AppendAsync([S("up", "a:1", 1), S("other", "a:1", 1)], default);
        await receiver.AppendAsync([S("up", "a:1", Sample.StaleNaN, 2000), S("other", "a:1", Sample.StaleNaN, 2000)], default);

        Assert.Equal(2, sink.Samples.Count);
        Assert.True(Sample.IsStaleNaN(sink.Samples[1].Value));
    }

    [Fact]
    public async Task Prometheus_relabel_rejects_an_invalid_rule_and_cache_size()
    {
        var component = new PrometheusRelabelComponent(new FakeComponentHost("prometheus.relabel.invalid"));

        var rule = await Assert.ThrowsAsync<ComponentArgumentException>(() => component.UpdateAsync(
            new PrometheusRelabelArguments { ForwardTo = [], Rules = [new RelabelRuleArguments { Action = "hashmod", TargetLabel = "x" }] }, default));
        var cache = await Assert.ThrowsAsync<ComponentArgumentException>(() => component.UpdateAsync(
            new PrometheusRelabelArguments { ForwardTo = [], MaxCacheSize = 0 }, default));

        Assert.Equal("modulus", rule.AttributeName);
        Assert.Equal("max_cache_size", cache.AttributeName);
    }

    [Fact]
    public async Task Discovery_relabel_exports_relabelled_targets_and_its_rules()
    {
        var host = new FakeComponentHost("discovery.relabel.test");
        var component = new DiscoveryRelabelComponent(host);
        var targets = new[]
        {
            LabelSet.From(("__address__", "10.0.0.1:9100"), ("__meta_kubernetes_pod_name", "web-1"), ("__meta_kubernetes_namespace", "prod")),
            LabelSet.From(("__address__", "10.0.0.2:9100"), ("__meta_kubernetes_pod_name", "db-1"), ("__meta_kubernetes_namespace", "prod")),
            LabelSet.From(("__address__", "10.0.0.3:9100"), ("__meta_kubernetes_pod_name", "web-2"), ("__meta_kubernetes_namespace", "dev")),
        };

        await component.UpdateAsync(new DiscoveryRelabelArguments
        {
            Targets = targets,
            Rules =
            [
                new RelabelRuleArguments { SourceLabels = ["__meta_kubernetes_namespace"], Regex = "prod", Action = "keep" },
                new RelabelRuleArguments { SourceLabels = ["__meta_kubernetes_pod_name"], TargetLabel = "pod" },
            ],
        }, default);

        var exports = (DiscoveryRelabelExports)host.Exports[^1];
        Assert.Equal(["web-1", "db-1"], exports.Output.Select(t => t.Get("pod")));
        Assert.Equal(2, exports.Rules.Count);
        Assert.Equal("10.0.0.1:9100", exports.Output[0].Get("__address__"));
    }
}
