using System.Globalization;
using System.Text.RegularExpressions;
using AlloyOrleans.Silo.Commands;
using Xunit;

namespace AlloyOrleans.Tests.Commands;

public partial class ClusterSimulateCommandTests
{
    private static CommandRun Simulate(params string[] args) => CommandRun.Of(ClusterSimulateCommand.Run, args);

    [GeneratedRegex(@"^join\s+(?<node>\S+): (?<moved>\d+) of (?<total>\d+) targets move .*, all to \k<node>$", RegexOptions.Multiline)]
    private static partial Regex JoinLine();

    [GeneratedRegex(@"^leave\s+(?<node>\S+): (?<moved>\d+) of (?<total>\d+) targets move .*, all from \k<node>$", RegexOptions.Multiline)]
    private static partial Regex LeaveLine();

    [GeneratedRegex(@"^(?<node>node-\d+)\s+(?<count>\d+)\s+\d+\.\d\d%\s+\d+\s+\d+\.\d\d%$", RegexOptions.Multiline)]
    private static partial Regex ShareLine();

    [Theory]
    [InlineData(4)]
    [InlineData(10)]
    public void A_join_moves_about_one_in_n_plus_one_targets_all_to_the_joiner(int nodes)
    {
        var run = Simulate("--nodes", nodes.ToString(CultureInfo.InvariantCulture), "--targets", "20000", "--seed", "3");

        Assert.Equal(0, run.ExitCode);
        var join = JoinLine().Match(run.Output);
        Assert.True(join.Success, run.Output);
        Assert.Equal($"node-{nodes}", join.Groups["node"].Value);
        var fraction = double.Parse(join.Groups["moved"].Value, CultureInfo.InvariantCulture) / 20000;
        Assert.InRange(fraction, 0.8 / (nodes + 1), 1.2 / (nodes + 1));
    }

    [Fact]
    public void A_leave_moves_exactly_the_leavers_share()
    {
        var run = Simulate("--nodes", "6", "--targets", "12000");

        Assert.Equal(0, run.ExitCode);
        var shares = ShareLine().Matches(run.Output).ToDictionary(m => m.Groups["node"].Value, m => int.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"node-{i}"), shares.Keys);
        Assert.Equal(12000, shares.Values.Sum());

        var leave = LeaveLine().Match(run.Output);
        Assert.True(leave.Success, run.Output);
        Assert.Equal("node-5", leave.Groups["node"].Value);
        Assert.Equal(shares["node-5"], int.Parse(leave.Groups["moved"].Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_same_seed_gives_the_same_report()
    {
        // Everything but the line with the run's time and memory.
        static string Report(CommandRun run) => string.Join('\n', run.Output.Split('\n').Where(l => !l.StartsWith("took ", StringComparison.Ordinal)));
        var first = Simulate("--nodes", "5", "--targets", "3000", "--seed", "9");
        Assert.Contains("\ntook ", first.Output);
        Assert.Equal(Report(first), Report(Simulate("--nodes", "5", "--targets", "3000", "--seed", "9")));
    }

    [Fact]
    public void One_node_owns_everything_and_has_no_leave()
    {
        var run = Simulate("--nodes", "1", "--targets", "500");

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"node-0\s+500\s+100\.00%\s+500\s+100\.00%", run.Output);
        Assert.Contains("leave: not applicable", run.Output);
    }

    [Theory]
    [InlineData("--nodes", "0", "--targets", "10")]
    [InlineData("--nodes", "ten", "--targets", "10")]
    [InlineData("--nodes", "3")]
    [InlineData("--nodes", "3", "--targets", "-1")]
    [InlineData("--nodes", "3", "--targets", "10", "--seed", "x")]
    [InlineData("--nodes", "3", "--targets", "10", "--verbose")]
    public void Bad_arguments_exit_1_with_a_message(params string[] args)
    {
        var run = Simulate(args);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.StartsWith("cluster simulate: ", run.Error);
    }
}
