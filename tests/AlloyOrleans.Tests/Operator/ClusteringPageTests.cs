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
