using System.Security.Cryptography.X509Certificates;
using AlloyOrleans.Grains.Discovery;
using AlloyOrleans.Grains.Discovery.Shared;
using AlloyOrleans.Grains.Discovery.Kubernetes;
using k8s;

namespace AlloyOrleans.Grains.Components.Discovery.Kubernetes;

/// <summary><c>discovery.kubernetes</c>: targets from the Kubernetes API (pods, services, endpoints or nodes), kept current by watches.</summary>
[AlloyComponent("discovery.kubernetes", typeof(DiscoveryKubernetesArguments), typeof(DiscoveryExports))]
public sealed class DiscoveryKubernetesComponent(IComponentHost host, SharedDiscovery? sharedDiscovery = null) : DiscoveryComponent<DiscoveryKubernetesArguments>(host, sharedDiscovery)
{
    protected override ITargetDiscoverer CreateDiscoverer(DiscoveryKubernetesArguments arguments) =>
        new KubernetesDiscoverer(
            new KubernetesDiscoveryOptions
            {
                Role = arguments.ParsedRole,
                Client = ClientConfiguration(arguments),
                Namespaces = Namespaces(arguments.Namespaces),
                Selectors = arguments.Selectors
                    .Select(s => new KubernetesSelector(Enum.Parse<KubernetesRole>(s.Role, ignoreCase: true), s.Label, s.Field))
                    .ToList(),
            },
            Host.Logger);

    /// <summary>kubeconfig_file, else api_server with the HTTP client settings, else the in-cluster service account.</summary>
    private static KubernetesClientConfiguration ClientConfiguration(DiscoveryKubernetesArguments arguments)
    {
        if (arguments.KubeconfigFile.Length > 0)
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(arguments.KubeconfigFile);
        }
        if (arguments.ApiServer.Length == 0)
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }
        var configuration = new KubernetesClientConfiguration { Host = arguments.ApiServer };
        if (arguments.Authorization() is { Scheme: "Bearer" } bearer)
        {
            configuration.AccessToken = bearer.Parameter;
        }
        if (arguments.BasicAuth is { } basic)
        {
            configuration.Username = basic.Username;
            configuration.Password = basic.PasswordFile.Length > 0 ? System.IO.File.ReadAllText(basic.PasswordFile).Trim() : basic.Password;
        }
        if (arguments.TlsConfig is { } tls)
        {
            configuration.SkipTlsVerify = tls.InsecureSkipVerify;
            configuration.TlsServerName = tls.ServerName.Length > 0 ? tls.ServerName : null;
            if (tls.CaFile.Length > 0)
            {
                var roots = new X509Certificate2Collection();
                roots.ImportFromPemFile(tls.CaFile);
                configuration.SslCaCerts = roots;
            }
            if (tls.CertFile.Length > 0)
            {
                configuration.ClientCertificateFilePath = tls.CertFile;
                configuration.ClientKeyFilePath = tls.KeyFile;
            }
        }
        return configuration;
    }

    private static IReadOnlyList<string> Namespaces(KubernetesNamespacesArguments? namespaces)
    {
        if (namespaces is null)
        {
            return [];
        }
        var names = namespaces.Names.ToList();
        if (namespaces.OwnNamespace)
        {
            names.Add(System.IO.File.ReadAllText(DiscoveryKubernetesArguments.ServiceAccountNamespaceFile).Trim());
        }
        return names;
    }
}
