using AlloyOrleans.Grains.Placement;

namespace AlloyOrleans.Silo.CommandLine;

/// <summary>
/// Everything <c>alloy-orleans run</c> takes on its command line. Names follow Alloy's flags; the Orleans-specific
/// ones live under <c>--cluster.</c> too.
/// </summary>
public sealed class RunOptions
{
    public const string ConnectionStringVariable = "ALLOY_ORLEANS_MEMBERSHIP_CONNECTION_STRING";

    public string ConfigPath { get; set; } = "";

    public string HttpListenAddress { get; set; } = "127.0.0.1:12345";

    public string StoragePath { get; set; } = "data-alloy/";

    public bool ClusterEnabled { get; set; }

    public string NodeName { get; set; } = Environment.MachineName;

    /// <summary>host:port other silos reach this one at; the port is the silo port.</summary>
    public string? AdvertiseAddress { get; set; }

    public List<string> JoinAddresses { get; set; } = [];

    public string ClusterName { get; set; } = "alloy-orleans";

    public int WaitForSize { get; set; }

    public TimeSpan WaitTimeout { get; set; }

    public bool EnableTls { get; set; }

    public string? TlsCaPath { get; set; }

    public string? TlsCertPath { get; set; }

    public string? TlsKeyPath { get; set; }

    public string? TlsServerName { get; set; }

    /// <summary>PostgreSQL connection string of the membership table; without it, clustering uses Orleans' development membership.</summary>
    public string? MembershipConnectionString { get; set; } = Environment.GetEnvironmentVariable(ConnectionStringVariable);

    public int SiloPort { get; set; } = 11111;

    /// <summary>How long a liveness probe waits. With the missed-probe limit it sets how fast a crashed silo is declared dead.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    public int MissedProbesLimit { get; set; } = 2;

    /// <summary>How often a silo reads the weights tables of <c>balance = "samples"</c> components.</summary>
    public TimeSpan BalancePollInterval { get; set; } = new TablePollingOptions().PollInterval;

    /// <summary>How often a silo reports the samples per scrape of the balanced targets it scrapes.</summary>
    public TimeSpan BalanceReportInterval { get; set; } = new TablePollingOptions().ReportInterval;

    /// <summary>At most one new weights table per this interval: each may move targets.</summary>
    public TimeSpan RebalanceInterval { get; set; } = new PublishingOptions().MinInterval;

    public bool DashboardEnabled { get; set; } = true;

    /// <summary>The dashboard's live log stream (/dashboard/Trace): off by default, since logs may carry what an operator should not see.</summary>
    public bool DashboardLogStream { get; set; }

    /// <summary>
    /// Network interfaces to take the advertised address from when <c>--cluster.advertise-address</c> is not set
    /// (Alloy's <c>--cluster.advertise-interfaces</c>); empty keeps the loopback default.
    /// </summary>
    public List<string> AdvertiseInterfaces { get; set; } = [];

    /// <summary>One line each for Alloy flags that were given but mean nothing with a membership table.</summary>
    public List<string> Notices { get; } = [];

    public static RunOptions Parse(IReadOnlyList<string> args)
    {
        var o = new RunOptions();
        var reader = new FlagReader()
            .String("server.http.listen-addr", v => o.HttpListenAddress = v)
            .String("storage.path", v => o.StoragePath = v)
            .Bool("cluster.enabled", v => o.ClusterEnabled = v)
            .String("cluster.node-name", v => o.NodeName = v)
            .String("cluster.advertise-address", v => o.AdvertiseAddress = v)
            .String("cluster.join-addresses", v => o.JoinAddresses = [.. v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)])
            .String("cluster.name", v => o.ClusterName = v)
            .Int("cluster.wait-for-size", v => o.WaitForSize = v)
            .Duration("cluster.wait-timeout", v => o.WaitTimeout = v)
            .Bool("cluster.enable-tls", v => o.EnableTls = v)
            .String("cluster.tls-ca-path", v => o.TlsCaPath = v)
            .String("cluster.tls-cert-path", v => o.TlsCertPath = v)
            .String("cluster.tls-key-path", v => o.TlsKeyPath = v)
            .String("cluster.tls-server-name", v => o.TlsServerName = v)
            .String("cluster.membership-connection-string", v => o.MembershipConnectionString = v)
            .Int("cluster.silo-port", v => o.SiloPort = v)
            .Duration("cluster.probe-timeout", v => o.ProbeTimeout = v)
            .Int("cluster.missed-probes-limit", v => o.MissedProbesLimit = v)
            .Duration("cluster.balance.poll-interval", v => o.BalancePollInterval = v)
            .Duration("cluster.balance.report-interval", v => o.BalanceReportInterval = v)
            .Duration("cluster.balance.rebalance-interval", v => o.RebalanceInterval = v)
            .Bool("dashboard.enabled", v => o.DashboardEnabled = v)
            .Bool("dashboard.log-stream", v => o.DashboardLogStream = v)
            .String("cluster.advertise-interfaces", v => o.AdvertiseInterfaces = [.. v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)])
            // Alloy's gossip-join flags: accepted so Alloy deployment scripts run unchanged. Orleans membership lists
            // every live silo in one table, so there is nothing to discover, rejoin or limit.
            .String("cluster.discover-peers", _ => o.Notices.Add(
                "--cluster.discover-peers is not needed: silos find each other through the membership table (--cluster.membership-connection-string), or --cluster.join-addresses without one"))
            .Duration("cluster.rejoin-interval", _ => o.Notices.Add(
                "--cluster.rejoin-interval is not needed: every silo reads the whole membership table, so a partition heals without rejoining"))
            .Int("cluster.max-join-peers", _ => o.Notices.Add(
                "--cluster.max-join-peers is not needed: a silo joins through the membership table, not through a sample of peers"));
        var positional = reader.Parse(args);
        if (positional.Count != 1)
        {
            throw new UsageException(positional.Count == 0
                ? "run needs the path of a configuration file: alloy-orleans run [flags] CONFIG_PATH"
                : $"run takes one configuration file, got {positional.Count}: {string.Join(" ", positional)}");
        }
        o.ConfigPath = positional[0];
        o.Validate();
        return o;
    }

    private void Validate()
    {
        if (EnableTls && (TlsCertPath is null || TlsKeyPath is null))
        {
            throw new UsageException("--cluster.enable-tls needs --cluster.tls-cert-path and --cluster.tls-key-path");
        }
        if (EnableTls && string.IsNullOrEmpty(TlsCaPath) && string.IsNullOrEmpty(TlsServerName))
        {
            // Without either, any certificate from any public CA for any name would be a member.
            throw new UsageException("--cluster.enable-tls needs --cluster.tls-ca-path (the cluster's CA) or --cluster.tls-server-name (the name every silo certificate carries), or both");
        }
        if (WaitForSize > 0 && !ClusterEnabled)
        {
            throw new UsageException("--cluster.wait-for-size needs --cluster.enabled");
        }
        if (MissedProbesLimit < 1)
        {
            throw new UsageException("--cluster.missed-probes-limit must be at least 1");
        }
        if (ProbeTimeout <= TimeSpan.Zero)
        {
            throw new UsageException("--cluster.probe-timeout must be positive");
        }
        foreach (var (flag, value) in new[]
                 {
                     ("cluster.balance.poll-interval", BalancePollInterval),
                     ("cluster.balance.report-interval", BalanceReportInterval),
                     ("cluster.balance.rebalance-interval", RebalanceInterval),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                throw new UsageException($"--{flag} must be positive");
            }
        }
        _ = ParseHostPort(HttpListenAddress, "server.http.listen-addr");
        if (AdvertiseAddress is not null)
        {
            _ = ParseHostPort(AdvertiseAddress, "cluster.advertise-address");
        }
        foreach (var address in JoinAddresses)
        {
            _ = ParseHostPort(address, "cluster.join-addresses");
        }
    }

    /// <summary>Splits <c>host:port</c>; a missing port is null.</summary>
    public static (string Host, int? Port) ParseHostPort(string value, string flag)
    {
        var colon = value.LastIndexOf(':');
        if (colon < 0)
        {
            return (value, null);
        }
        var host = value[..colon].Trim('[', ']');
        if (!int.TryParse(value[(colon + 1)..], out var port) || port is < 0 or > 65535)
        {
            throw new UsageException($"invalid address \"{value}\" for flag --{flag}: expected host:port");
        }
        return (host, port);
    }
}
