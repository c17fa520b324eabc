using AlloyOrleans.Grains.Components.Discovery;
using AlloyOrleans.Grains.Components.Discovery.Dns;
using AlloyOrleans.Grains.Components.Discovery.File;
using AlloyOrleans.Grains.Components.Discovery.Http;
using AlloyOrleans.Grains.Components.Discovery.Kubernetes;
using AlloyOrleans.Silo.Configuration;
using Xunit;

namespace AlloyOrleans.Tests.Configuration;

/// <summary><c>clustering { enabled = true }</c> inside <c>discovery.*</c> blocks: our extension, absent by default.</summary>
public sealed class DiscoveryClusteringArgumentsTests
{
    private static object Decode(string component, Type argumentsType, string body)
    {
        var loaded = TestConfigurations.Load($"{component} \"x\" {{\n{body}}}\n");
        var block = loaded.Components.Single().Block;
        return BlockDecoder.Decode(EvaluatedBlock.Evaluate(block, ExportScope.Build(TestConfigurations.Library, [])), argumentsType);
    }

    public static TheoryData<string, Type, string> Components => new()
    {
        { "discovery.file", typeof(DiscoveryFileArguments), "\tfiles = [\"/tmp/t.json\"]\n" },
        { "discovery.http", typeof(DiscoveryHttpArguments), "\turl = \"http://127.0.0.1:1/sd\"\n" },
        { "discovery.dns", typeof(DiscoveryDnsArguments), "\tnames = [\"_x._tcp.example\"]\n" },
        { "discovery.kubernetes", typeof(DiscoveryKubernetesArguments), "\tapi_server = \"http://127.0.0.1:1\"\n\trole = \"pod\"\n" },
    };

    [Theory]
    [MemberData(nameof(Components))]
    public void Every_discoverer_takes_the_block_and_is_unshared_without_it(string component, Type argumentsType, string body)
    {
        var plain = (IClusteredDiscoveryArguments)Decode(component, argumentsType, body);
        Assert.Null(plain.Clustering);

        var shared = (IClusteredDiscoveryArguments)Decode(component, argumentsType, body + "\tclustering {\n\t\tenabled = true\n\t}\n");
        Assert.True(shared.Clustering!.Enabled);

        var off = (IClusteredDiscoveryArguments)Decode(component, argumentsType, body + "\tclustering {\n\t\tenabled = false\n\t}\n");
        Assert.False(off.Clustering!.Enabled);
    }

    [Fact]
    public void A_clustering_block_without_enabled_names_its_position()
    {
        var e = Assert.ThrowsAny<ConfigurationException>(() =>
            Decode("discovery.file", typeof(DiscoveryFileArguments), "\tfiles = [\"/tmp/t.json\"]\n\tclustering {\n\t}\n"));
        Assert.Contains("test.alloy:3:2", e.Message);
        Assert.Contains("missing required attribute \"enabled\"", e.Message);
    }
}
