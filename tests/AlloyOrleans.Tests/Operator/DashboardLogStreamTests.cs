using System.Net;
using Xunit;

namespace AlloyOrleans.Tests.Operator;

/// <summary>The dashboard's live log stream (/dashboard/Trace) is off unless <c>--dashboard.log-stream</c> asks for it.</summary>
[Collection(OperatorClusterCollection.Name)]
public sealed class DashboardLogStreamTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_log_stream_is_hidden_unless_the_flag_turns_it_on(bool logStream)
    {
        var storage = Path.Combine(Path.GetTempPath(), "alloy-orleans-trace-" + Guid.NewGuid().ToString("N"));
        await using var silo = await HttpSilo.StartAsync("trace", storage, null, logStream ? ["--dashboard.log-stream"] : []);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await silo.Http.GetAsync("/dashboard/Trace", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var disabled = response.StatusCode != HttpStatusCode.OK
            || (await ReadSomeAsync(response, TimeSpan.FromSeconds(2))).Contains("disabled", StringComparison.OrdinalIgnoreCase);
        Assert.Equal(!logStream, disabled);
    }

    /// <summary>The first bytes of a response that may stream forever.</summary>
    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, TimeSpan wait)
    {
        using var cancel = new CancellationTokenSource(wait);
        var buffer = new byte[4096];
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancel.Token);
            var read = await stream.ReadAsync(buffer, cancel.Token);
            return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
        }
        catch (OperationCanceledException)
        {
            return "";
        }
    }
}
