using AlloyOrleans.Silo.CommandLine;
using Xunit;

namespace AlloyOrleans.Tests.Secure;

/// <summary>Cluster TLS must say whom to trust: a CA, a server name, or both (otherwise any public certificate is a member).</summary>
public sealed class ClusterTlsFlagTests
{
    private static readonly string[] Tls = ["--cluster.enabled", "--cluster.enable-tls", "--cluster.tls-cert-path=/c.crt", "--cluster.tls-key-path=/c.key"];

    [Fact]
    public void Tls_with_neither_a_CA_nor_a_server_name_is_a_usage_error()
    {
        var error = Assert.Throws<UsageException>(() => RunOptions.Parse([.. Tls, "config.alloy"]));
        Assert.Contains("--cluster.tls-ca-path", error.Message);
        Assert.Contains("--cluster.tls-server-name", error.Message);
    }

    [Theory]
    [InlineData("--cluster.tls-ca-path=/ca.crt")]
    [InlineData("--cluster.tls-server-name=alloy-orleans.cluster")]
    public void A_CA_or_a_server_name_is_enough(string trust)
    {
        var options = RunOptions.Parse([.. Tls, trust, "config.alloy"]);
        Assert.True(options.EnableTls);
    }
}
