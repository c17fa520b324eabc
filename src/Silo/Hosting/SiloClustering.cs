using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
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

        if (options.EnableTls)
        {
            SiloTls.Configure(silo, options);
        }

        silo.Configure<ClusterMembershipOptions>(membership => ApplyFailureDetection(membership, options));
    }

    /// <summary>
    /// Failure detection tuned to declare a crashed silo dead within about three seconds on a LAN (Orleans' own
    /// defaults take ten seconds or more). A kill -9 leaves the host up, so probes fail at once with a refused
    /// connection: two missed probes one second apart, then an indirect probe through another silo, whose failure
    /// carries the two votes a death needs. A host that vanishes is slower: each probe then waits out its timeout,
    /// capped at twice <c>--cluster.probe-timeout</c>. See the README for the trade-off on slower networks.
    /// </summary>
    public static void ApplyFailureDetection(ClusterMembershipOptions membership, RunOptions options)
    {
        membership.ProbeTimeout = options.ProbeTimeout;
        // Orleans adapts the timeout to observed latency between half and four times ProbeTimeout; a lower cap keeps
        // a silent host from stretching detection past a few seconds.
        membership.MaxProbeTimeout = options.ProbeTimeout * 2;
        membership.NumMissedProbesLimit = options.MissedProbesLimit;
        membership.NumVotesForDeathDeclaration = 2;
        // Suspicions older than this no longer count: two unrelated blips minutes apart must not add up to a death.
        membership.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
        // An indirect probe asks another silo to try; a failed one is worth two votes, so one survivor of a
        // three-silo cluster can still declare the death, and a one-sided network fault does not.
        membership.EnableIndirectProbes = true;
        // A silo starved of CPU extends its own probe timeouts instead of accusing healthy peers.
        membership.ExtendProbeTimeoutDuringDegradation = true;
        // Gossip carries changes within milliseconds; the table read is the backstop and the catch-up after the
        // database was unreachable.
        membership.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        membership.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
    }

    private static (IPAddress Ip, int Port) ResolveEndpoint(RunOptions options)
    {
        if (options.AdvertiseAddress is null)
        {
            return (options.AdvertiseInterfaces.Count > 0 ? InterfaceAddress(options.AdvertiseInterfaces) : IPAddress.Loopback, options.SiloPort);
        }
        var endpoint = ToEndPoint(options.AdvertiseAddress, "cluster.advertise-address", options.SiloPort);
        return (endpoint.Address, endpoint.Port);
    }

    /// <summary>The first IPv4 address (else IPv6) of the first listed interface that is up and has one, as Alloy picks it.</summary>
    public static IPAddress InterfaceAddress(IReadOnlyList<string> interfaces)
    {
        var byName = NetworkInterface.GetAllNetworkInterfaces().ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (var name in interfaces)
        {
            if (!byName.TryGetValue(name, out var nic) || nic.OperationalStatus is OperationalStatus.Down)
            {
                continue;
            }
            var addresses = nic.GetIPProperties().UnicastAddresses.Select(a => a.Address).ToList();
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6 && !a.IsIPv6LinkLocal);
            if (chosen is not null)
            {
                return chosen;
            }
        }
        throw new UsageException($"none of the interfaces given to --cluster.advertise-interfaces ({string.Join(",", interfaces)}) is up with an address; set --cluster.advertise-address");
    }

    private static IPEndPoint ToEndPoint(string address, string flag, int defaultPort = 11111)
    {
        var (host, port) = RunOptions.ParseHostPort(address, flag);
        var ip = IPAddress.TryParse(host, out var parsed)
            ? parsed
            : Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
              ?? throw new UsageException($"cannot resolve \"{host}\" for flag --{flag}");
        return new IPEndPoint(ip, port ?? defaultPort);
    }
}
