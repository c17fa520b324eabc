using AlloyOrleans.Grains.Components.Discovery;
using AlloyOrleans.Grains.Components.Discovery.Kubernetes;
using AlloyOrleans.Tests.Discovery;
using k8s.Models;
using Xunit;

namespace AlloyOrleans.Tests.Http;

/// <summary>discovery.kubernetes with api_server takes the shared HTTP client settings too (here: a bearer token file).</summary>
public sealed class KubernetesClientSettingsTests
{
    [Fact]
    public async Task The_api_server_gets_the_token_of_the_shared_client_block()
    {
        await using var stub = new KubernetesApiStub();
        stub.Add(new V1Node
        {
            Metadata = new V1ObjectMeta { Name = "node-1" },
            Status = new V1NodeStatus
            {
                Addresses = [new V1NodeAddress { Type = "InternalIP", Address = "192.168.0.1" }],
                DaemonEndpoints = new V1NodeDaemonEndpoints { KubeletEndpoint = new V1DaemonEndpoint { Port = 10250 } },
            },
        });
        var token = Path.GetTempFileName();
        await File.WriteAllTextAsync(token, "k8s-token\n");
        var host = new FakeComponentHost("discovery.kubernetes.nodes");
        var component = new DiscoveryKubernetesComponent(host);
        using var stop = new CancellationTokenSource();
        try
        {
            await component.UpdateAsync(new DiscoveryKubernetesArguments { ApiServer = stub.Url.ToString().TrimEnd('/'), Role = "node", BearerTokenFile = token }, default);
            var run = component.RunAsync(stop.Token);
            await host.WaitForExportsAsync<DiscoveryExports>(e => e.Targets.Count == 1);
            Assert.Equal("Bearer k8s-token", stub.LastAuthorization);
            await stop.CancelAsync();
            await run;
        }
        finally
        {
            File.Delete(token);
        }
    }
}
