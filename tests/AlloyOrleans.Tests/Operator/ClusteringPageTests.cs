using System.Globalization;
using AlloyOrleans.Grains.Ring;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace AlloyOrleans.Tests.Operator;

/// <summary>The browser pages in headless Chromium (Debian's <c>/usr/bin/chromium</c>, driven by Playwright).</summary>
[Collection(OperatorClusterCollection.Name)]
public sealed class ClusteringPageTests(OperatorCluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task Clustering_page_shows_every_peer_with_its_share_and_load_and_raises_no_script_error()
    {
        await using var browser = await BrowserPage.OpenAsync();
        var silo = cluster.Silos[1];
        await browser.Page.GotoAsync(silo.Http.BaseAddress + "clustering");
        // Rendered once the API answered and every participant reported its target count.
        await browser.Page.WaitForFunctionAsync(
            "() => { const rows = document.querySelectorAll('#peers tbody tr');" +
            " return rows.length === 3 && [...rows].every(r => r.cells[5].textContent !== '–'); }",
            null, new() { Timeout = 15_000 });

        var rows = browser.Page.Locator("#peers tbody tr");
        var names = await rows.Locator("td:nth-child(1)").AllTextContentsAsync();
        Assert.Equal(cluster.Silos.Select(s => s.NodeName).Order(), names.Order());
        var expected = cluster.ExpectedTargetsPerNode();
        foreach (var node in cluster.Silos.Select(s => s.NodeName))
        {
            var row = browser.Page.Locator($"#peers tbody tr[data-peer='{node}']");
            Assert.Equal("participant", await row.Locator("td:nth-child(3)").TextContentAsync());
            Assert.Equal(node == silo.NodeName ? "✓" : "", await row.Locator("td:nth-child(4)").TextContentAsync());
            Assert.EndsWith("%", (await row.Locator("td:nth-child(5)").TextContentAsync())!.Trim());
            Assert.Equal(expected.GetValueOrDefault(node).ToString(), await row.Locator("td:nth-child(6)").TextContentAsync());
        }

        var screenshot = Path.Combine(AppContext.BaseDirectory, "clustering-page.png");
        await browser.Page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        output.WriteLine("screenshot: " + screenshot);
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task Clustering_page_draws_each_peers_arcs_and_a_bar_of_samples_against_the_fair_share()
    {
        await using var browser = await BrowserPage.OpenAsync();
        var silo = cluster.Silos[2];
        await browser.Page.GotoAsync(silo.Http.BaseAddress + "clustering");
        await browser.Page.WaitForFunctionAsync(
            "() => document.querySelectorAll('#ring path').length > 0 && document.querySelectorAll('#load-bars .load-row').length === 3" +
            " && [...document.querySelectorAll('#load-bars .load-value')].every(v => !v.textContent.startsWith('–'))",
            null, new() { Timeout = 15_000 });

        // The ring: every participant's arcs, covering about its share of the key space.
        var arcs = (await browser.Page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('#ring path')].map(p => p.dataset.node + '\\n' + p.querySelector('title').textContent)"))
            .Select(a => a.Split('\n')).Select(a => new ArcOnPage(a[0], a[1])).ToArray();
        var shares = RingShare.Of(cluster.Silos.Select(s => s.NodeName));
        foreach (var node in shares.Keys)
        {
            var drawn = arcs.Where(a => a.Node == node).Sum(a => double.Parse(a.Title.Split(" · ")[1].Split(' ')[0], CultureInfo.InvariantCulture)) / 100;
            Assert.InRange(drawn, shares[node] - 0.02, shares[node] + 0.02);
        }

        // The bars: one per participant, as long as its samples/s, flagged when above 1.1 × the fair share.
        var expected = cluster.ExpectedTargetsPerNode();
        var healthy = cluster.Silos.ToDictionary(s => s.NodeName, s => expected.GetValueOrDefault(s.NodeName) - (cluster.OwnerOf(OperatorCluster.MalformedTarget) == s.NodeName ? 1 : 0));
        var fair = healthy.Values.Sum() * 2.0 / 3;
        var scale = Math.Max(fair * 1.5, healthy.Values.Max() * 2.0); // the bars' full width
        var widths = new Dictionary<string, double>();
        foreach (var node in healthy.Keys)
        {
            var row = browser.Page.Locator($"#load-bars .load-row[data-peer='{node}']");
            Assert.Equal(healthy[node] * 2.0 > fair * 1.1 ? "true" : "false", await row.GetAttributeAsync("data-over"));
            widths[node] = await row.Locator(".load").EvaluateAsync<double>("e => e.getBoundingClientRect().width");
            var fairLeft = await row.Locator(".fair").EvaluateAsync<double>("e => e.offsetLeft");
            var track = await row.Locator(".load-track").EvaluateAsync<double>("e => e.getBoundingClientRect().width");
            Assert.InRange(fairLeft / track, fair / scale - 0.02, fair / scale + 0.02);
            Assert.InRange(widths[node] / track, healthy[node] * 2.0 / scale - 0.02, healthy[node] * 2.0 / scale + 0.02);
        }
        var byLoad = healthy.OrderBy(h => h.Value).Select(h => h.Key).ToArray();
        Assert.True(widths[byLoad[0]] <= widths[byLoad[^1]]);
        Assert.Contains("plain ring", await browser.Page.Locator("#weights").TextContentAsync());

        await browser.Page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "clustering-load.png"), FullPage = true });
        Assert.Empty(browser.Errors);
    }

    private sealed record ArcOnPage(string Node, string Title);

    [Fact]
    public async Task Targets_page_lists_the_targets_this_silo_scrapes_and_raises_no_script_error()
    {
        await using var browser = await BrowserPage.OpenAsync();
        var silo = cluster.Silos[0];
        var expected = cluster.ExpectedTargetsPerNode().GetValueOrDefault(silo.NodeName);
        await browser.Page.GotoAsync(silo.Http.BaseAddress + "targets?component=" + Uri.EscapeDataString(OperatorCluster.ComponentId));
        await browser.Page.WaitForFunctionAsync(
            $"() => document.querySelectorAll('table[data-component] tbody tr').length === {expected}", null, new() { Timeout = 15_000 });

        var health = await browser.Page.Locator("table[data-component] tbody tr td:nth-child(1)").AllTextContentsAsync();
        var malformedHere = cluster.OwnerOf(OperatorCluster.MalformedTarget) == silo.NodeName;
        Assert.Equal(malformedHere ? 1 : 0, health.Count(h => h == "down"));
        Assert.Equal(expected - (malformedHere ? 1 : 0), health.Count(h => h == "up"));

        await browser.Page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "targets-page.png"), FullPage = true });
        Assert.Empty(browser.Errors);
    }
}

/// <summary>A page in headless Chromium that records uncaught script errors and console errors.</summary>
internal sealed class BrowserPage : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private BrowserPage(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        page.PageError += (_, error) => Errors.Add("page error: " + error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Add("console error: " + message.Text);
            }
        };
    }

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    public static async Task<BrowserPage> OpenAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 720 } });
        return new BrowserPage(playwright, browser, page);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
