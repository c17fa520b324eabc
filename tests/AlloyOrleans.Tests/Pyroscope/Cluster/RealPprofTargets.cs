using System.Text;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Pyroscope;
using AlloyOrleans.Grains.Ring;
using AlloyOrleans.Tests.Infrastructure;
using AlloyOrleans.Tests.Production;

namespace AlloyOrleans.Tests.Pyroscope.Cluster;

/// <summary>
/// A <c>pyroscope.scrape</c> (clustering enabled) of <c>goroutine</c> and <c>memory</c> profiles from many distinct
/// targets — paths on one counting <see cref="PprofTargetServer"/> that forwards each target to one of a few real Go
/// programs (Prometheus, vmagent) — pushed by <c>pyroscope.write</c> to a loopback <see cref="PushReceiver"/>.
/// </summary>
/// <remarks>
/// The CPU profile is left out: a Go program serves one CPU profile at a time, so many targets sharing a few real
/// programs would fail it for all but one. Block and mutex are left out because vmagent's mutex endpoint blocks for
/// ten seconds.
/// </remarks>
public sealed class RealPprofTargets : IScrapeWorkload
{
    public const string JobName = "pyroscope.scrape.fleet";
    public static readonly ProfileType[] Types = [ProfileType.Goroutine, ProfileType.Memory];

    private RealPprofTargets(PprofTargetServer server, PushReceiver receiver, int targetCount)
    {
        Server = server;
        Receiver = receiver;
        var specs = Types.Select(t => new ProfileTargetSpec(t.Name, t.DefaultPath, t.DeltaByDefault)).ToList();
        Targets = [.. Enumerable.Range(0, targetCount).SelectMany(i => ProfileTargetLabels.Expand(
            Discovered(server, i), specs, "", "http", 0, paramsHaveSeconds: false).Select(labels => (i, labels.Get("__name__"), labels)))];
    }

    public PprofTargetServer Server { get; }

    public PushReceiver Receiver { get; }

    /// <summary>The scheduled targets: discovered target index, profile type, expanded labels (as the silos expand them).</summary>
    public IReadOnlyList<(int Target, string Type, LabelSet Labels)> Targets { get; }

    public int Count => Targets.Count;

    /// <param name="upstreams">The real Go programs (<c>host:port</c>); target i is served by upstream i mod n.</param>
    public static async Task<RealPprofTargets> StartAsync(int targetCount, IReadOnlyList<string> upstreams) =>
        new(await PprofTargetServer.StartAsync(upstreams), await PushReceiver.StartAsync(), targetCount);

    public ulong KeyOf(int index) => TargetKey.Compute(Targets[index].Labels);

    public IReadOnlyList<ScrapeTargetServer.Scrape> ScrapesOf(int index) =>
        Server.ScrapesWithScraperOf(Targets[index].Target, ProfileTestCluster.EndpointOf(Targets[index].Labels));

    public string Configuration(TimeSpan interval)
    {
        var config = new StringBuilder();
        config.AppendLine("pyroscope.scrape \"fleet\" {");
        config.AppendLine("  targets = [");
        foreach (var i in Targets.Select(t => t.Target).Distinct())
        {
            config.Append("    {");
            config.AppendJoin(", ", Discovered(Server, i).AsSpan().ToArray().Select(l => $"\"{l.Name}\" = \"{l.Value}\""));
            config.AppendLine("},");
        }
        config.AppendLine("  ]");
        config.AppendLine("  forward_to      = [pyroscope.write.receiver.receiver]");
        config.AppendLine($"  scrape_interval = \"{(int)interval.TotalMilliseconds}ms\"");
        config.AppendLine($"  scrape_timeout  = \"{(int)interval.TotalMilliseconds / 2}ms\"");
        config.AppendLine($"  params          = {{ \"silo\" = [sys.env(\"{SiloProcessCluster.SiloVariable}\")] }}");
        config.AppendLine("  profiling_config {");
        foreach (var type in ProfileType.BuiltIn.Where(t => t.EnabledByDefault && !Types.Contains(t)))
        {
            config.AppendLine($"    profile.{type.Name} {{");
            config.AppendLine("      enabled = false");
            config.AppendLine("    }");
        }
        config.AppendLine("  }");
        config.AppendLine("  clustering {");
        config.AppendLine("    enabled = true");
        config.AppendLine("  }");
        config.AppendLine("}");
        config.AppendLine("pyroscope.write \"receiver\" {");
        config.AppendLine("  endpoint {");
        config.AppendLine($"    url                = \"{Receiver.Url}\"");
        config.AppendLine("    min_backoff_period = \"50ms\"");
        config.AppendLine("  }");
        config.AppendLine("}");
        return config.ToString();
    }

    private static LabelSet Discovered(PprofTargetServer server, int i) =>
        LabelSet.From(("__address__", server.Address), ("__profile_path_prefix__", $"/t/{i}"), ("target", i.ToString()));

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
