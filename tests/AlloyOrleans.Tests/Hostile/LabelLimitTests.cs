using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components.Prometheus.Scrape;
using AlloyOrleans.Grains.Scrape;
using AlloyOrleans.Tests.Configuration;
using AlloyOrleans.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace AlloyOrleans.Tests.Hostile;

/// <summary>label_limit, label_name_length_limit and label_value_length_limit as Prometheus applies them: to the
/// final labels of a series (target labels included); a series over a limit fails that target's scrape.</summary>
public sealed class LabelLimitTests : IAsyncLifetime
{
    private const long Slot = 1_700_000_000_000;
    private ScrapeTargetServer _server = null!;
    private readonly RecordingSink _sink = new();
    private readonly ScrapeHttpClients _clients = new();
    private TargetScraper _scraper = null!;

    public async Task InitializeAsync()
    {
        _server = await ScrapeTargetServer.StartAsync();
        _scraper = new TargetScraper(_clients, TimeProvider.System, NullLogger<TargetScraper>.Instance);
    }

    public async Task DisposeAsync()
    {
        _clients.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<ScrapeReport> Scrape(LabelLimits limits, int id, string body, TargetScrapeState? state = null)
    {
        _server.Serve(id, body);
        var job = new ScrapeJob { ComponentId = "prometheus.scrape.limits", JobName = "limits", Timeout = TimeSpan.FromSeconds(5), ForwardTo = [_sink], LabelLimits = limits };
        var target = ScrapeTarget.Create(job, LabelSet.From(("__address__", _server.Address), ("__metrics_path__", $"/t/{id}")), out _)!;
        return await _scraper.ScrapeAsync(job, target, state ?? new TargetScrapeState(), Slot, CancellationToken.None);
    }

    [Fact]
    public async Task A_series_with_more_labels_than_label_limit_fails_the_scrape_counting_target_labels()
    {
        // a{x,y} plus __name__, job and instance: five labels.
        var over = await Scrape(new LabelLimits(4, 0, 0), 1, "a{x=\"1\",y=\"2\"} 1\n");
        var at = await Scrape(new LabelLimits(5, 0, 0), 2, "a{x=\"1\",y=\"2\"} 1\n");

        Assert.False(over.Up);
        Assert.Equal("label_limit exceeded (metric: a, number of labels: 5, limit: 4)", over.Error);
        Assert.True(at.Up, at.Error);
    }

    [Fact]
    public async Task Name_and_value_length_limits_fail_the_scrape_with_Prometheus_wording()
    {
        var name = await Scrape(new LabelLimits(0, 8, 0), 1, "a{long_name=\"1\"} 1\n");
        var value = await Scrape(new LabelLimits(0, 0, 3), 2, "a{x=\"four\"} 1\n");
        var fine = await Scrape(new LabelLimits(0, 9, 16), 3, "a{long_name=\"four\"} 1\n");

        Assert.Equal("label_name_length_limit exceeded (metric: a, label name: long_name, length: 9, limit: 8)", name.Error);
        // Labels are checked in name order: instance (127.0.0.1:port) is the first one longer than 3.
        Assert.False(value.Up);
        Assert.StartsWith("label_value_length_limit exceeded (metric: a, label name: instance", value.Error);
        Assert.True(fine.Up, fine.Error);
    }

    [Fact]
    public async Task A_cached_series_is_checked_again_when_the_limits_change()
    {
        var state = new TargetScrapeState();
        Assert.True((await Scrape(LabelLimits.None, 1, "a{x=\"1\"} 1\n", state)).Up);
        var limited = await Scrape(new LabelLimits(2, 0, 0), 1, "a{x=\"1\"} 1\n", state);
        Assert.False(limited.Up);
    }

    [Fact]
    public async Task The_limits_are_prometheus_scrape_arguments()
    {
        var args = ScrapeArgumentsTests.Decode("\tlabel_limit = 30\n\tlabel_name_length_limit = 100\n\tlabel_value_length_limit = 2048\n");
        var job = await ScrapeComponent.ToJobAsync("prometheus.scrape.web", args, CancellationToken.None);
        Assert.Equal(new LabelLimits(30, 100, 2048), job.LabelLimits);
    }
}
