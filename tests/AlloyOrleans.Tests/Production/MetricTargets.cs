using System.Text;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ring;
using AlloyOrleans.Tests.Infrastructure;

namespace AlloyOrleans.Tests.Production;

/// <summary>
/// A <c>prometheus.scrape</c> (clustering enabled) over the counting targets of a loopback
/// <see cref="ScrapeTargetServer"/>, optionally forwarding through <c>prometheus.remote_write</c>.
/// </summary>
public sealed class MetricTargets : IScrapeWorkload
{
    private readonly Uri? _remoteWriteUrl;
    private readonly string? _balance;

    private MetricTargets(ScrapeTargetServer server, IReadOnlyList<LabelSet> targets, Uri? remoteWriteUrl, string? balance)
    {
        Server = server;
        Targets = targets;
        _remoteWriteUrl = remoteWriteUrl;
        _balance = balance;
    }

    public ScrapeTargetServer Server { get; }

    public IReadOnlyList<LabelSet> Targets { get; }

    public int Count => Targets.Count;

    /// <param name="remoteWriteUrl">When given, every silo forwards its samples there through prometheus.remote_write.</param>
    /// <param name="balance">When given, the scrape's <c>clustering { balance = … }</c> (<c>"samples"</c>: load-aware placement).</param>
    public static async Task<MetricTargets> StartAsync(int targetCount, Uri? remoteWriteUrl = null, string? balance = null)
    {
        var server = await ScrapeTargetServer.StartAsync();
        var targets = Enumerable.Range(0, targetCount)
            .Select(i => LabelSet.From(("__address__", server.Address), ("__metrics_path__", $"/t/{i}"), ("target", i.ToString())))
            .ToList();
        return new MetricTargets(server, targets, remoteWriteUrl, balance);
    }

    public ulong KeyOf(int index) => TargetKey.Compute(Targets[index]);

    public IReadOnlyList<ScrapeTargetServer.Scrape> ScrapesOf(int index) => Server.ScrapesWithScraperOf(index);

    public string Configuration(TimeSpan interval)
    {
        var config = new StringBuilder();
        config.AppendLine("prometheus.scrape \"production\" {");
        config.AppendLine("  targets = [");
        foreach (var target in Targets)
        {
            config.Append("    {");
            config.AppendJoin(", ", target.AsSpan().ToArray().Select(l => $"\"{l.Name}\" = \"{l.Value}\""));
            config.AppendLine("},");
        }
        config.AppendLine("  ]");
        config.AppendLine(_remoteWriteUrl is null ? "  forward_to      = []" : "  forward_to      = [prometheus.remote_write.receiver.receiver]");
        config.AppendLine($"  scrape_interval = \"{(int)interval.TotalMilliseconds}ms\"");
        config.AppendLine($"  scrape_timeout  = \"{(int)interval.TotalMilliseconds / 2}ms\"");
        config.AppendLine($"  params          = {{ \"silo\" = [sys.env(\"{SiloProcessCluster.SiloVariable}\")] }}");
        config.AppendLine("  clustering {");
        config.AppendLine("    enabled = true");
        if (_balance is not null)
        {
            config.AppendLine($"    balance = \"{_balance}\"");
        }
        config.AppendLine("  }");
        config.AppendLine("}");
        if (_remoteWriteUrl is not null)
        {
            config.AppendLine("prometheus.remote_write \"receiver\" {");
            config.AppendLine("  endpoint {");
            // Default queue settings (a 5 s batch deadline), as users run it: samples wait in the queue while the
            // cluster changes, which is what a drain at shutdown and a hand-off must not lose.
            config.AppendLine($"    url = \"{_remoteWriteUrl}\"");
            config.AppendLine("  }");
            config.AppendLine("}");
        }
        return config.ToString();
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
