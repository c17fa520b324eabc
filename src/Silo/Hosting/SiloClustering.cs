using System.Net;
using AlloyOrleans.Silo.CommandLine;
using Orleans.Configuration;

namespace AlloyOrleans.Silo.Hosting;

/// <summary>
/// Chooses how this silo finds its peers: alone on localhost clustering (the default, nothing to install), a
/// PostgreSQL membership table (production), or Orleans' development membership with a primary silo named by
/// <c>--cluster.join-addresses</c> (several silos on one machine, no database). Also sets failure detection.
/// </summary>
public static class SiloClustering
{
    public static void Configure(ISiloBuilder silo, RunOptions options)
    {
        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterName;
            cluster.ServiceId = options.ClusterName;
        });
        silo.Configure<SiloOptions>(s => s.SiloName = options.NodeName);

        var (advertisedIp, siloPort) = ResolveEndpoint(options);
        // No gateway: nothing outside the cluster calls grains, and a fixed gateway port would only collide.
        silo.ConfigureEndpoints(advertisedIp, siloPort, gatewayPort: 0, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertisedIp));

        if (!options.ClusterEnabled)
        {
            silo.UseDevelopmentClustering(new IPEndPoint(advertisedIp, siloPort));
        }
        else if (!string.IsNullOrEmpty(options.MembershipConnectionString))
        {
            silo.UseAdoNetClustering(ado =>
            {
                ado.Invariant = "Npgsql";
                ado.ConnectionString = options.MembershipConnectionString;
            });
        }
        else
        {
            var primary = options.JoinAddresses.Count > 0
                ? ToEndPoint(options.JoinAddresses[0], "cluster.join-addresses")
                : new IPEndPoint(advertisedIp, siloPort);
            silo.UseDevelopmentClustering(primary);
        }

        // Orleans' defaults notice a kill -9 in about ten seconds; these make it a second or two on a LAN.
        silo.Configure<ClusterMembershipOptions>(membership =>
        {
            membership.ProbeTimeout = options.ProbeTimeout;
            membership.NumMissedProbesLimit = options.MissedProbesLimit;
            membership.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            membership.TableRefreshTimeout = TimeSpan.FromSeconds(10);
        });
    }

    private static (IPAddress Ip, int Port) ResolveEndpoint(RunOptions options)
    {
        if (options.AdvertiseAddress is null)
        {
            return (IPAddress.Loopback, options.SiloPort);
        }
        var endpoint = ToEndPoint(options.AdvertiseAddress, "cluster.advertise-address", options.SiloPort);
        return (endpoint.Address, endpoint.Port);
    }

    private static IPEndPoint ToEndPoint(string address, string flag, int defaultPort = 11111)
    {
        var (host, port) = RunOptions.ParseHostPort(address, flag);
        var ip = IPAddress.TryParse(host, out var parsed)
            ? parsed
            : Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
              ?? throw new UsageException($"cannot resolve \"{host}\" for flag --{flag}");
        return new IPEndPoint(ip, port ?? defaultPort);
    }
}
