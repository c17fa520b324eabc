using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AlloyOrleans.Silo.CommandLine;
using AlloyOrleans.Tests.Configuration;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace AlloyOrleans.Tests.Secure;

/// <summary>
/// The shipped deploy files are secure as they are: silo-to-silo mutual TLS with a CA and a server name (flags that
/// pass <see cref="RunOptions"/>' rules), certificates from a Secret (Kubernetes) or a mounted directory (compose), a
/// NetworkPolicy that admits only silos to the silo port, the dashboard off, and host ports on loopback only.
/// </summary>
public sealed class DeployFilesTests
{
    private static readonly string Deploy = Path.Combine(ExampleConfigurationTests.Root, "deploy");

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Deploy, path));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (current, key) => int.TryParse(key, out var index) ? ((YamlSequenceNode)current)[index] : ((YamlMappingNode)current)[key]);

    private static List<string> Strings(YamlNode sequence) => [.. ((YamlSequenceNode)sequence).Select(n => ((YamlScalarNode)n).Value!)];

    /// <summary>Checks a silo's <c>run</c> arguments with the real flag rules, and returns them.</summary>
    private static RunOptions RunArguments(List<string> args)
    {
        Assert.Equal("run", args[0]);
        var options = RunOptions.Parse(args.Skip(1).Select(a => a.Replace("$(POD_NAME)", "pod").Replace("$(POD_IP)", "10.0.0.1")).ToList());
        Assert.True(options.EnableTls, "silo-to-silo TLS is on");
        Assert.False(string.IsNullOrEmpty(options.TlsCaPath), "the cluster's own CA is trusted, not the public roots");
        Assert.False(string.IsNullOrEmpty(options.TlsServerName), "peer certificates must carry the cluster's name");
        Assert.False(options.DashboardEnabled, "the unauthenticated dashboard is off");
        Assert.False(options.DashboardLogStream);
        return options;
    }

    [Fact]
    public void The_kubernetes_silos_run_mutual_TLS_with_certificates_from_a_secret()
    {
        var spec = At(Load("kubernetes/deployment.yaml"), "spec", "template", "spec");
        var silo = At(spec, "containers", "0");
        var options = RunArguments(Strings(At(silo, "args")));

        var mount = ((YamlSequenceNode)At(silo, "volumeMounts")).Cast<YamlMappingNode>().Single(m => At(m, "name").ToString() == "cluster-tls");
        var directory = At(mount, "mountPath").ToString();
        Assert.All(new[] { options.TlsCaPath!, options.TlsCertPath!, options.TlsKeyPath! }, path => Assert.StartsWith(directory + "/", path));
        var volume = ((YamlSequenceNode)At(spec, "volumes")).Cast<YamlMappingNode>().Single(v => At(v, "name").ToString() == "cluster-tls");
        Assert.Equal("alloy-orleans-cluster-tls", At(volume, "secret", "secretName").ToString());

        var kustomization = Load("kubernetes/kustomization.yaml");
        var generated = ((YamlSequenceNode)At(kustomization, "secretGenerator")).Cast<YamlMappingNode>().Single(s => At(s, "name").ToString() == "alloy-orleans-cluster-tls");
        Assert.Equal(["ca.crt=cluster-tls/ca.crt", "tls.crt=cluster-tls/tls.crt", "tls.key=cluster-tls/tls.key"], Strings(At(generated, "files")));
        Assert.Contains("networkpolicy.yaml", Strings(At(kustomization, "resources")));
    }

    [Fact]
    public void The_network_policy_admits_only_silos_to_the_silo_port()
    {
        var policy = Load("kubernetes/networkpolicy.yaml");
        Assert.Equal("NetworkPolicy", At(policy, "kind").ToString());
        Assert.Equal("alloy-orleans", At(policy, "spec", "podSelector", "matchLabels", "app.kubernetes.io/name").ToString());
        Assert.Equal(["Ingress"], Strings(At(policy, "spec", "policyTypes")));
        var rules = ((YamlSequenceNode)At(policy, "spec", "ingress")).Cast<YamlMappingNode>().ToList();
        var siloRule = Assert.Single(rules, r => ((YamlSequenceNode)At(r, "ports")).Any(p => At(p, "port").ToString() == "silo"));
        var from = Assert.Single((YamlSequenceNode)At(siloRule, "from"));
        Assert.Equal("alloy-orleans", At(from, "podSelector", "matchLabels", "app.kubernetes.io/name").ToString());
        Assert.All(rules, r => Assert.True(((YamlMappingNode)r).Children.ContainsKey("from"), "every rule names its sources"));
    }

    [Fact]
    public void The_compose_silos_run_mutual_TLS_and_publish_ports_on_loopback_only()
    {
        var services = (YamlMappingNode)At(Load("docker-compose.yml"), "services");
        var silos = services.Children.Where(s => s.Key.ToString().StartsWith("silo", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, silos.Count);
        foreach (var (_, silo) in silos)
        {
            var options = RunArguments(Strings(At(silo, "command")));
            Assert.Contains(Strings(At(silo, "volumes")), v => v.StartsWith("./cluster-tls:" + Path.GetDirectoryName(options.TlsCaPath) + ":ro", StringComparison.Ordinal));
        }
        foreach (var (name, service) in services.Children)
        {
            if (((YamlMappingNode)service).Children.TryGetValue("ports", out var ports))
            {
                Assert.All(Strings(ports), p => Assert.StartsWith("127.0.0.1:", p));
            }
        }
    }

    /// <summary>make-certs.sh (openssl) makes what the silos need: a CA, and one certificate for both TLS roles with the server name.</summary>
    [Fact]
    public async Task Make_certs_issues_a_silo_certificate_of_the_cluster_CA_for_the_server_name()
    {
        var directory = Path.Combine(Path.GetTempPath(), "make-certs-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var script = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", [Path.Combine(Deploy, "make-certs.sh"), directory])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            await script.WaitForExitAsync();
            Assert.True(script.ExitCode == 0, await script.StandardError.ReadToEndAsync());

            using var silo = X509Certificate2.CreateFromPemFile(Path.Combine(directory, "tls.crt"), Path.Combine(directory, "tls.key"));
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificateFromFile(Path.Combine(directory, "ca.crt")));
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2"));
            Assert.True(chain.Build(silo), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
            Assert.True(silo.MatchesHostname("alloy-orleans.cluster"));
            Assert.True(silo.HasPrivateKey);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public void The_image_runs_without_the_dashboard_by_default()
    {
        var cmd = File.ReadAllLines(Path.Combine(Deploy, "Dockerfile")).Single(l => l.StartsWith("CMD ", StringComparison.Ordinal));
        Assert.Contains("\"--dashboard.enabled=false\"", cmd);
    }
}
