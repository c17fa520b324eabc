using System.Security.Cryptography.X509Certificates;
using AlloyOrleans.Grains.Components.Common.Http;
using k8s;

namespace AlloyOrleans.Grains.Components.Discovery.Kubernetes;

/// <summary>How a component that talks to the Kubernetes API reaches it (discovery.kubernetes, prometheus.operator.*).</summary>
public static class KubernetesClientConfigurations
{
    /// <summary>kubeconfig_file, else api_server with the HTTP client settings, else the in-cluster service account.</summary>
    public static KubernetesClientConfiguration From(string apiServer, string kubeconfigFile, HttpClientArguments arguments)
    {
        if (kubeconfigFile.Length > 0)
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigFile);
        }
        if (apiServer.Length == 0)
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }
        var configuration = new KubernetesClientConfiguration { Host = apiServer };
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
}
