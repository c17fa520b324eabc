using System.Globalization;
using System.Text.Json;
using AlloyOrleans.Silo.Commands;
using Xunit;

namespace AlloyOrleans.Tests.Commands;

/// <summary><c>cluster simulate --targets-file FILE --balance samples|targets</c> on a heavy-tailed fleet.</summary>
public sealed class ClusterSimulateBalanceTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"fleet-{Guid.NewGuid():N}.json");

    public ClusterSimulateBalanceTests()
    {
        // 1,000 targets, bounded Pareto (shape 1.5) between 10 and 100,000 samples.
        var random = new Random(4);
        var entries = Enumerable.Range(0, 1000).Select(i =>
        {
            var u = random.NextDouble();
            const double low = 10, high = 100_000, alpha = 1.5;
            var size = Math.Pow(-(u * Math.Pow(high, alpha) - u * Math.Pow(low, alpha) - Math.Pow(high, alpha)) / (Math.Pow(high, alpha) * Math.Pow(low, alpha)), -1 / alpha);
            return new { labels = new Dictionary<string, string> { ["__address__"] = $"10.0.{i / 256}.{i % 256}:9100", ["job"] = "fleet" }, samples = Math.Round(size) };
        });
        File.WriteAllText(_file, JsonSerializer.Serialize(entries));
    }

    public void Dispose() => File.Delete(_file);

    private JsonElement Json(int nodes, string balance)
    {
        var run = CommandRun.Of(ClusterSimulateCommand.Run, "--nodes", nodes.ToString(CultureInfo.InvariantCulture), "--targets-file", _file, "--balance", balance, "--output", "json");
        Assert.True(run.ExitCode == 0, run.Error);
        return JsonDocument.Parse(run.Output).RootElement;
    }

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    public void Balancing_samples_keeps_peak_over_mean_within_ten_percent_where_the_ring_does_not(int nodes)
    {
        var samples = Json(nodes, "samples");
        var targets = Json(nodes, "targets");

        Assert.InRange(samples.GetProperty("peak_to_mean").GetDouble(), 1, 1.10);
        Assert.Equal(targets.GetProperty("peak_to_mean").GetDouble(), samples.GetProperty("ring_peak_to_mean").GetDouble(), 9);
        Assert.InRange(samples.GetProperty("moved_on_join").GetDouble(), 0, 1.2 / (nodes + 1) * 1.5);
        Assert.InRange(samples.GetProperty("moved_on_leave").GetDouble(), 0, 1.2 / nodes * 1.5);
    }

    [Fact]
    public void The_json_has_every_node_with_its_targets_and_samples()
    {
        var result = Json(4, "samples");

        var nodes = result.GetProperty("nodes").EnumerateArray().ToArray();
        Assert.Equal(["node-0", "node-1", "node-2", "node-3"], nodes.Select(n => n.GetProperty("name").GetString()));
        Assert.Equal(1000, nodes.Sum(n => n.GetProperty("targets").GetInt32()));
        var total = JsonDocument.Parse(File.ReadAllText(_file)).RootElement.EnumerateArray().Sum(e => e.GetProperty("samples").GetDouble());
        Assert.Equal(total, nodes.Sum(n => n.GetProperty("samples").GetDouble()), 6);
        var mean = total / 4;
        Assert.Equal(nodes.Max(n => n.GetProperty("samples").GetDouble()) / mean, result.GetProperty("peak_to_mean").GetDouble(), 9);
    }

    [Fact]
    public void Text_output_prints_the_plain_ring_figure_beside_the_balanced_one()
    {
        var run = CommandRun.Of(ClusterSimulateCommand.Run, "--nodes", "10", "--targets-file", _file, "--balance", "samples");

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"samples peak/mean 1\.0\d\d \(plain ring \d\.\d{3}; no placement can beat", run.Output);
    }

    [Theory]
    [InlineData("[{\"labels\": {\"a\": \"b\"}, \"samples\": 1},\n {\"labels\": {\"a\": }]", ":2:")]
    [InlineData("[{\"labels\": {\"a\": \"b\"}}]", "entry 0 needs")]
    [InlineData("[]", "no targets")]
    public void A_bad_targets_file_is_an_error_naming_the_file(string content, string expected)
    {
        File.WriteAllText(_file, content);

        var run = CommandRun.Of(ClusterSimulateCommand.Run, "--nodes", "3", "--targets-file", _file);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"cluster simulate: {_file}", run.Error);
        Assert.Contains(expected, run.Error);
    }

    [Theory]
    [InlineData("--nodes", "3", "--targets", "10", "--balance", "cpu")]
    [InlineData("--nodes", "3", "--targets", "10", "--output", "yaml")]
    [InlineData("--nodes", "3")]
    public void Bad_balance_or_output_exits_1(params string[] args)
    {
        var both = CommandRun.Of(ClusterSimulateCommand.Run, [.. args]);
        Assert.Equal(1, both.ExitCode);
        Assert.StartsWith("cluster simulate: ", both.Error);
    }
}
