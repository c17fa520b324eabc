using System.Globalization;
using AlloyOrleans.Grains.Abstractions;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.Discovery.Dns;

/// <summary>
/// Discovers targets by querying DNS for each name every refresh interval, with Prometheus' labels:
/// <c>__meta_dns_name</c>, and per record type <c>__meta_dns_srv_record_target</c> / <c>_port</c>,
/// <c>__meta_dns_mx_record_target</c>, <c>__meta_dns_ns_record_target</c>. A name that does not exist has no
/// targets; a name whose query fails (timeout, server failure) keeps its last good targets.
/// </summary>
public sealed partial class DnsDiscoverer : ITargetDiscoverer
{
    public const string NameLabel = "__meta_dns_name";
    public const string SrvTargetLabel = "__meta_dns_srv_record_target";
    public const string SrvPortLabel = "__meta_dns_srv_record_port";
    public const string MxTargetLabel = "__meta_dns_mx_record_target";
    public const string NsTargetLabel = "__meta_dns_ns_record_target";

    private readonly DnsDiscoveryOptions _options;
    private readonly ILogger _logger;
    private readonly LookupClient _client;
    private readonly Dictionary<string, TargetGroup> _lastGood = new(StringComparer.Ordinal);

    public DnsDiscoverer(DnsDiscoveryOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        var lookup = options.NameServers.Count > 0
            ? new LookupClientOptions(options.NameServers.ToArray())
            : new LookupClientOptions();
        lookup.UseCache = false;
        lookup.Timeout = options.QueryTimeout;
        lookup.Retries = options.QueryRetries;
        lookup.ThrowDnsErrors = false;
        lookup.ContinueOnDnsError = false;
        lookup.UseTcpFallback = true;
        _client = new LookupClient(lookup);
    }

    public async Task RunAsync(Action<IReadOnlyList<LabelSet>> publish, CancellationToken cancellationToken)
    {
        var publisher = new TargetListPublisher(publish);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var groups = await Task.WhenAll(_options.Names.Select(n => RefreshAsync(n, cancellationToken))).ConfigureAwait(false);
                publisher.Publish(TargetGroup.FlattenAll(groups.OfType<TargetGroup>()));
                await Task.Delay(_options.RefreshInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The name's current group, its last good group when the query failed, or null if it never succeeded.</summary>
    private async Task<TargetGroup?> RefreshAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.QueryAsync(name, QueryTypeOf(_options.Type), QueryClass.IN, cancellationToken).ConfigureAwait(false);
            if (response.HasError && response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain)
            {
                throw new DnsResponseException(response.ErrorMessage);
            }
            var group = new TargetGroup(name, Targets(name, response.Answers), LabelSet.Empty);
            lock (_lastGood)
            {
                _lastGood[name] = group;
            }
            return group;
        }
        catch (Exception e) when (e is DnsResponseException or System.Net.Sockets.SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogLookupFailed(_logger, name, _options.Type, e.Message);
            lock (_lastGood)
            {
                return _lastGood.GetValueOrDefault(name);
            }
        }
    }

    private List<LabelSet> Targets(string name, IReadOnlyList<DnsResourceRecord> answers)
    {
        var port = _options.Port.ToString(CultureInfo.InvariantCulture);
        var targets = new List<LabelSet>();
        foreach (var record in answers)
        {
            switch (record)
            {
                case SrvRecord srv when _options.Type == DnsRecordType.Srv:
                    var srvPort = srv.Port.ToString(CultureInfo.InvariantCulture);
                    targets.Add(LabelSet.From(
                        (TargetGroup.AddressLabel, JoinHostPort(TrimDot(srv.Target.Value), srvPort)),
                        (NameLabel, name),
                        (SrvTargetLabel, srv.Target.Value),
                        (SrvPortLabel, srvPort)));
                    break;
                case ARecord a when _options.Type == DnsRecordType.A:
                    targets.Add(LabelSet.From((TargetGroup.AddressLabel, JoinHostPort(a.Address.ToString(), port)), (NameLabel, name)));
                    break;
                case AaaaRecord aaaa when _options.Type == DnsRecordType.Aaaa:
                    targets.Add(LabelSet.From((TargetGroup.AddressLabel, JoinHostPort(aaaa.Address.ToString(), port)), (NameLabel, name)));
                    break;
                case MxRecord mx when _options.Type == DnsRecordType.Mx:
                    targets.Add(LabelSet.From(
                        (TargetGroup.AddressLabel, JoinHostPort(TrimDot(mx.Exchange.Value), port)),
                        (NameLabel, name),
                        (MxTargetLabel, mx.Exchange.Value)));
                    break;
                case NsRecord ns when _options.Type == DnsRecordType.Ns:
                    targets.Add(LabelSet.From(
                        (TargetGroup.AddressLabel, JoinHostPort(TrimDot(ns.NSDName.Value), port)),
                        (NameLabel, name),
                        (NsTargetLabel, ns.NSDName.Value)));
                    break;
            }
        }
        return targets;
    }

    private static QueryType QueryTypeOf(DnsRecordType type) => type switch
    {
        DnsRecordType.Srv => QueryType.SRV,
        DnsRecordType.A => QueryType.A,
        DnsRecordType.Aaaa => QueryType.AAAA,
        DnsRecordType.Mx => QueryType.MX,
        DnsRecordType.Ns => QueryType.NS,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static string TrimDot(string name) => name.EndsWith('.') ? name[..^1] : name;

    /// <summary>Go's net.JoinHostPort: brackets around hosts that contain a colon (IPv6).</summary>
    private static string JoinHostPort(string host, string port) => host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";

    [LoggerMessage(Level = LogLevel.Error, Message = "discovery.dns: {Type} lookup of {Name} failed, keeping its last targets: {Error}")]
    private static partial void LogLookupFailed(ILogger logger, string name, DnsRecordType type, string error);
}
