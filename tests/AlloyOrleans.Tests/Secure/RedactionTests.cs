using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Discovery.Http;
using AlloyOrleans.Grains.Http;
using AlloyOrleans.Tests.Http;
using AlloyOrleans.Tests.RemoteWrite;
using Xunit;

namespace AlloyOrleans.Tests.Secure;

/// <summary>Credentials in URLs never reach logs, target labels (and so metrics and the web APIs) or error messages.</summary>
public sealed class RedactionTests
{
    [Theory]
    [InlineData("https://user:p4ss@sd.example.com:8443/targets?x=1", "https://xxxxx@sd.example.com:8443/targets?x=1")]
    [InlineData("https://token@sd.example.com/", "https://xxxxx@sd.example.com/")]
    [InlineData("http://sd.example.com/targets", "http://sd.example.com/targets")]
    [InlineData("not a url://user:pass@host/x", "not a url://xxxxx@host/x")]
    public void User_info_is_masked(string url, string redacted)
    {
        Assert.Equal(redacted, Redaction.Url(url));
    }

    [Fact]
    public async Task Discovery_http_keeps_user_info_out_of_meta_url_and_of_its_logs()
    {
        await using var server = await HttpTestServer.StartAsync();
        server.RequiredAuthorization = "Basic " + Convert.ToBase64String("sd:hunter2"u8.ToArray());
        var secretUrl = new UriBuilder(new Uri(server.BaseUrl, "/sd")) { UserName = "sd", Password = "hunter2" }.Uri;
        var published = new TaskCompletionSource<IReadOnlyList<LabelSet>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var good = new HttpDiscoverer(new HttpDiscoveryOptions { Url = secretUrl }, new ListLogger()).RunAsync(t => published.TrySetResult(t), stop.Token);

        var targets = await published.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await stop.CancelAsync();
        await good;
        var metaUrl = Assert.Single(targets).Get(HttpDiscoverer.UrlLabel);
        Assert.DoesNotContain("hunter2", metaUrl);
        Assert.Contains("xxxxx@", metaUrl);

        // A failing refresh logs the URL: without its credentials.
        var log = new ListLogger();
        var refused = new UriBuilder(secretUrl) { Port = 1 }.Uri;
        using var stopFailing = new CancellationTokenSource();
        var failing = new HttpDiscoverer(new HttpDiscoveryOptions { Url = refused, MinBackoff = TimeSpan.FromMilliseconds(20) }, log).RunAsync(_ => { }, stopFailing.Token);
        await Eventually.TrueAsync(() => log.Messages.Count > 0, "the failed refresh is logged");
        await stopFailing.CancelAsync();
        await failing;
        Assert.All(log.Messages, m => Assert.DoesNotContain("hunter2", m));
        Assert.Contains(log.Messages, m => m.Contains("xxxxx@127.0.0.1:1"));
    }
}
