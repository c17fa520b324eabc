using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ring;
using AlloyOrleans.Silo.Commands;
using AlloyOrleans.Tests.Ring;
using Xunit;

namespace AlloyOrleans.Tests.Commands;

public class ClusterOwnerCommandTests
{
    private static CommandRun Owner(params string[] args) => CommandRun.Of(ClusterOwnerCommand.Run, args);

    [Fact]
    public void Prints_the_owner_alloy_would_pick_for_every_vector()
    {
        foreach (var (nodes, labels, expected) in CkitRingVectors.Owners())
        {
            var run = Owner("--nodes", string.Join(",", nodes), "--target", labels.ToString());

            Assert.Equal(0, run.ExitCode);
            Assert.Equal(expected, run.Output.Trim());
            Assert.Equal(HashRing.Build(nodes).Owner(labels), run.Output.Trim());
        }
    }

    [Fact]
    public void Verbose_prints_the_ring_key_in_hex()
    {
        foreach (var (labels, key) in CkitRingVectors.TargetKeys())
        {
            var run = Owner("--nodes=a,b,c", $"--target={labels}", "--verbose");

            Assert.Equal(0, run.ExitCode);
            Assert.Contains($"key: {key:x16}", run.Output);
        }
    }

    [Fact]
    public void Meta_labels_in_the_target_do_not_change_the_answer()
    {
        var plain = Owner("--nodes", "n1,n2,n3,n4", "--target", "{__address__=\"h:9100\", job=\"x\"}", "--verbose");
        var withMeta = Owner("--nodes", "n1,n2,n3,n4", "--target", "{__meta_pod=\"p\", __address__=\"h:9100\", job=\"x\"}", "--verbose");

        Assert.Equal(0, withMeta.ExitCode);
        Assert.Equal(plain.Output, withMeta.Output);
    }

    [Fact]
    public void Escapes_in_values_are_decoded_before_hashing()
    {
        var labels = LabelSet.From(("__address__", "h:1"), ("v", "q\"b\\c\nd"));
        var run = Owner("--nodes", "a,b,c,d,e", "--target", "{__address__=\"h:1\", v=\"q\\\"b\\\\c\\nd\"}", "--verbose");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"key: {TargetKey.Compute(labels):x16}", run.Output);
    }

    [Theory]
    [InlineData("{a=\"x\" b=\"y\"}", 8)]
    [InlineData("{a=\"x\"", 7)]
    [InlineData("a=\"x\"}", 1)]
    [InlineData("{1a=\"x\"}", 2)]
    [InlineData("{a \"x\"}", 4)]
    [InlineData("{a=x}", 4)]
    [InlineData("{a=\"x}", 4)]
    [InlineData("{a=\"\\t\"}", 5)]
    [InlineData("{a=\"x\", a=\"y\"}", 9)]
    [InlineData("{a=\"x\"} z", 9)]
    public void A_malformed_target_is_an_error_naming_the_column(string target, int column)
    {
        var run = Owner("--nodes", "a,b", "--target", target);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Contains($"--target: column {column}:", run.Error);
    }

    [Theory]
    [InlineData("--target", "{a=\"x\"}")]
    [InlineData("--nodes", "a,b")]
    [InlineData("--nodes", "a,,b", "--target", "{a=\"x\"}")]
    [InlineData("--nodes", "a", "--target", "{a=\"x\"}", "--replicas", "2")]
    [InlineData("--nodes", "a", "--nodes", "b", "--target", "{a=\"x\"}")]
    [InlineData("--nodes", "a", "--target", "{a=\"x\"}", "extra")]
    [InlineData("--nodes")]
    public void Bad_arguments_exit_1_with_a_message(params string[] args)
    {
        var run = Owner(args);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.StartsWith("cluster owner: ", run.Error);
    }

    [Fact]
    public void Help_prints_usage_and_succeeds()
    {
        var run = Owner("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("usage: alloy-orleans cluster owner", run.Output);
    }
}
