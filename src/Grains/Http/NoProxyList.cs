using System.Net;

namespace AlloyOrleans.Grains.Http;

/// <summary>
/// A <c>no_proxy</c> list as Go reads it: comma-separated <c>*</c>, IP addresses, CIDR ranges, and host names where
/// <c>example.com</c> and <c>.example.com</c> both match the domain and its subdomains; an entry may end in <c>:port</c>.
/// </summary>
public sealed class NoProxyList
{
    private readonly bool _all;
    private readonly List<(IPNetwork Network, int? Port)> _networks = [];
    private readonly List<(string Domain, int? Port)> _domains = [];

    private NoProxyList(bool all) => _all = all;

    public static NoProxyList Parse(string text)
    {
        var entries = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var list = new NoProxyList(entries.Contains("*"));
        foreach (var entry in entries)
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                list._networks.Add((network, null));
                continue;
            }
            var (host, port) = SplitPort(entry);
            if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
            {
                list._networks.Add((new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128), port));
            }
            else if (host.Length > 0 && host != "*")
            {
                list._domains.Add((host.TrimStart('.').ToLowerInvariant(), port));
            }
        }
        return list;
    }

    /// <summary>Whether a request to <paramref name="destination"/> goes directly, not through the proxy.</summary>
    public bool Matches(Uri destination)
    {
        if (_all)
        {
            return true;
        }
        var port = destination.Port;
        if (IPAddress.TryParse(destination.IdnHost.Trim('[', ']'), out var address))
        {
            return _networks.Exists(n => n.Network.Contains(address) && (n.Port is null || n.Port == port));
        }
        var host = destination.IdnHost.ToLowerInvariant();
        return _domains.Exists(d => (host == d.Domain || host.EndsWith("." + d.Domain, StringComparison.Ordinal)) && (d.Port is null || d.Port == port));
    }

    private static (string Host, int? Port) SplitPort(string entry)
    {
        var colon = entry.LastIndexOf(':');
        if (colon > 0 && entry.IndexOf(':') == colon && int.TryParse(entry.AsSpan(colon + 1), out var port))
        {
            return (entry[..colon], port);
        }
        if (entry.StartsWith('[') && entry.LastIndexOf("]:", StringComparison.Ordinal) is var close and > 0 && int.TryParse(entry.AsSpan(close + 2), out var v6Port))
        {
            return (entry[..(close + 1)], v6Port);
        }
        return (entry, null);
    }
}
